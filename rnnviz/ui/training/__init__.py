"""The training page's glue, one responsibility a module:

controls.py   the hyperparameter widgets and the requests they describe
jobs.py       this session's jobs in the server's pool, Train/Stop, the polling fragment
run.py        the main run: live loss curve, predictions, the tutorial's test, inside the model
fit.py        how good the fit is on fresh data (cached)
compare.py    compared learning rates and the truncated-BPTT experiment
take_home.py  the downloads
"""
