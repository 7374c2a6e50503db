"""Unsupervised models fitted on an upload: themes, personas, trajectories, outliers, the map layout."""
