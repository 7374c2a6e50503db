"""Layout and figures. Builds what the page shows from results it is handed; never computes analytics."""
