"""The parts of benchmarks.classroom_load (run that module; this package only holds its parts).

The modules:

    scenario   the settings of a run (one frozen Scenario), each session's role, the CLI
    moves      what a stepping session clicks and what it expects to see after each click
    bench      what a run records, and the signals its sessions wait on
    stepping   a stepping session whatever its client; the teacher's hand-over
    protocol   sessions over the websocket (benchmarks.stclient); the idle baseline
    chromium   sessions in headless Chromium pages (Playwright); page.js runs in each page
    training   trainer sessions: press Train, watch the run
    server     `streamlit run app.py` started and stopped with its training processes
    sampling   memory and CPU of the server tree, the browsers and the machine (psutil)
    room       one run: the idle baseline, then every session at once
    stats      percentiles, latency rows, targets
    report     the printed report, a function per section
"""
