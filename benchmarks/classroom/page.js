// Installed in every Chromium page of benchmarks.classroom_load before Streamlit loads
// (Playwright's add_init_script); benchmarks/classroom/chromium.py calls window.__rnnviz.
//
// Every time here is the page's own clock (performance.now(), ms), so that Playwright's work
// around a click (dispatching it, polling for the result) is left out of what is measured;
// chromium.py maps these times onto the benchmark's clock.
//
// A watch waits for texts: it records the first moment the main area shows every one of its
// parts (and, if asked, the app's script is idle: the app marks itself "notRunning" only after
// it has drawn the run's elements). Checked at every change of the page, so the moment is exact
// to the DOM mutation, not to a polling interval.
(() => {
  const clock = { click: 0 };
  const watches = new Map(); // id -> { parts, idle, at }
  document.addEventListener(
    'click',
    () => {
      clock.click = performance.now();
    },
    true,
  );

  const idle = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return Boolean(app) && app.getAttribute('data-test-script-state') === 'notRunning';
  };
  const mainText = () => {
    const main = document.querySelector('[data-testid="stMain"]');
    return main ? main.textContent : '';
  };
  const texts = (selector) =>
    Array.from(document.querySelectorAll(selector)).map((e) => e.textContent.slice(0, 200));

  const check = () => {
    if (watches.size === 0) return;
    const now = performance.now();
    let text = null;
    let isIdle = null;
    for (const w of watches.values()) {
      if (w.at !== null) continue;
      if (w.idle) {
        isIdle = isIdle === null ? idle() : isIdle;
        if (!isIdle) continue;
      }
      text = text === null ? mainText() : text;
      if (w.parts.every((p) => text.includes(p))) w.at = now;
    }
  };
  new MutationObserver(check).observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['data-test-script-state'],
  });

  window.__rnnviz = {
    now: () => performance.now(),
    // The page's time of the last click event (a student's click), ms.
    lastClick: () => clock.click,
    // Start watching for `parts` under `id` (replacing an earlier watch of that id).
    watch: (id, parts, needIdle) => {
      watches.set(id, { parts, idle: needIdle, at: null });
      check();
    },
    // When watch `id` first saw its texts (ms), or null.
    seen: (id) => {
      const w = watches.get(id);
      return w ? w.at : null;
    },
    forget: (id) => watches.delete(id),
    idle,
    mainText,
    errors: () => ({
      exceptions: texts('[data-testid="stException"]'),
      alerts: texts('[data-testid="stAlertContentError"]'),
    }),
  };
})();
