"""What a school can offer a student, by the theme that holds them back (shared by the intervention list
and the insight engine's "what to do")."""

SUPPORT = {
    "Attendance": "Attendance follow-up: contact home, agree an attendance target, weekly check-in",
    "Hours_Studied": "Supervised study: homework club or a structured revision timetable",
    "Motivation_Level": "Mentoring and goal setting with a trusted adult",
    "Resource_Access": "Access to resources: device or book loan, tutoring place, quiet study space",
    "Family_Capital": "Family engagement: meeting with parents or carers, home-learning guidance",
    "Personal_Wellbeing": "Wellbeing check-in: sleep, activity and pastoral support",
    "Environmental_Stability": "Pastoral review: peer groups, travel to school, learning needs",
    "Previous_Scores": "Catch-up tuition on gaps from earlier assessments",
    "Homework": "Homework support: homework club, planner checks, a weekly catch-up slot",
    "Behaviour": "Behaviour support: pastoral mentor, report card, restorative conversations",
}
