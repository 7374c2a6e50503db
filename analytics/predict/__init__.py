"""The risk model and what follows from it: features, what-ifs, explanations, interventions, fairness."""
