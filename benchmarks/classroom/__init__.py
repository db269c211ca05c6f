"""The parts of benchmarks.classroom_load (run that module; this package only holds its parts).

The modules:

    scenario    the settings of a run (one frozen Scenario), each session's role and
                training settings, the CLI
    moves       what a stepping session clicks and what it expects to see after each click
    bench       what a run records, and the signals its sessions wait on
    follow      the teacher's moves as signals between the teacher and its followers
    stepping    the `Page` every client offers; moves made and checked whatever the client
    sessions    what each role does from arrival to the end
    presenting  the teacher's room and lead, a follower's part
    training    a session's training: the training page, Train, the run watched, back
    protocol    a `Page` over the websocket (benchmarks.stclient); the idle baseline
    chromium    a `Page` in headless Chromium (Playwright); page.js runs in each page
    server      `streamlit run app.py` started and stopped with its training processes
    sampling    memory and CPU of the server tree, the browsers, this process, the machine
    room        one run: the idle baseline, then every session at once
    stats       percentiles, latency rows, a target met or not
    targets     the room's targets
    report      the printed report, a function per section
"""
