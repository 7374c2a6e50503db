"""Name lists for the generated demo school: first names and surnames common among pupils and staff in English
schools today, from many backgrounds, so that a demo export looks like a real roll. Drawn independently of every
other column: a name carries no signal the models could pick up."""
from __future__ import annotations

FEMALE = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Freya", "Florence", "Grace", "Sophie", "Ella",
    "Chloe", "Evie", "Poppy", "Ruby", "Emily", "Jessica", "Hannah", "Megan", "Holly", "Niamh", "Siobhan", "Eilidh",
    "Cerys", "Seren", "Aisha", "Fatima", "Maryam", "Zainab", "Khadija", "Amira", "Hafsa", "Safa", "Inaya",
    "Priya", "Anika", "Simran", "Harleen", "Divya", "Zara", "Ananya", "Chioma", "Adaeze", "Ngozi", "Amara",
    "Abena", "Esi", "Kiara", "Shanice", "Maja", "Zuzanna", "Oliwia", "Julia", "Ioana", "Elena", "Sofia", "Yasmin",
    "Leyla", "Hodan", "Ayaan", "Mei", "Xin", "Ying", "Thi", "Linh", "Nadia", "Roksana", "Tahmina", "Bella",
)
MALE = (
    "Oliver", "George", "Noah", "Arthur", "Leo", "Harry", "Oscar", "Jack", "Charlie", "Freddie", "Thomas",
    "James", "William", "Alfie", "Henry", "Jacob", "Joshua", "Ethan", "Callum", "Connor", "Liam", "Rhys", "Dylan",
    "Owen", "Muhammad", "Yusuf", "Ibrahim", "Omar", "Ali", "Hamza", "Bilal", "Zayn", "Ayaan", "Ahmed", "Arjun",
    "Rohan", "Aarav", "Harjeet", "Karan", "Vikram", "Dev", "Chidi", "Emeka", "Tobi", "Kwame", "Kofi", "Jaden",
    "Tyrese", "Andre", "Jakub", "Kacper", "Szymon", "Mateusz", "Luca", "Andrei", "Darius", "Ahmet", "Emre",
    "Abdi", "Mohamed", "Wei", "Jun", "Hao", "Minh", "Tuan", "Rahim", "Sami", "Samuel", "Daniel", "Reuben",
)
SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts",
    "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris",
    "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark",
    "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
    "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter", "Richardson",
    "Bailey", "Collins", "Bell", "Murphy", "O'Brien", "O'Connor", "Byrne", "MacDonald", "Campbell", "Stewart",
    "Khan", "Ahmed", "Hussain", "Ali", "Begum", "Rahman", "Islam", "Uddin", "Iqbal", "Akhtar", "Mahmood",
    "Shah", "Singh", "Kaur", "Sharma", "Gill", "Sandhu", "Mistry", "Chauhan", "Kumar", "Okafor", "Adeyemi",
    "Okonkwo", "Mensah", "Boateng", "Asante", "Osei", "Adebayo", "Eze", "Mohamed", "Abdi", "Hassan", "Warsame",
    "Nowak", "Kowalski", "Wiśniewski", "Lewandowski", "Popescu", "Ionescu", "Yilmaz", "Demir", "Kaya", "Chen",
    "Wang", "Li", "Zhang", "Wong", "Nguyen", "Tran", "Silva", "Santos", "Ferreira", "Rossi", "Costa", "Campbell-Reid",
    "Francis", "Grant", "Samuels", "Henry", "Gordon", "Brown-Lewis",
)
TITLES = ("Mr", "Ms", "Mrs", "Miss", "Dr")
