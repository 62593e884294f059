"""What a run computes: datasets, the trial protocol, and the plan of an experiment's trials."""
