"""What the parts of the bench share: the run's settings, the servers, wrk, the browser driver,
the quiet-machine wait and the summary's table rows."""
