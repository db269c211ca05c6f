// Installed in every Chromium page of benchmarks.step_click_chromium before Streamlit loads
// (Playwright's add_init_script); the benchmark calls window.__rnnviz.
//
// The page's own clock at each click (the click event, as a student's click) and at each moment
// the app's script state turns "notRunning". A click's latency is the second minus the first,
// in the page, so it leaves out Playwright's own work before it dispatches the click and its
// polling after the page has updated. Its own file, not benchmarks/classroom/page.js, so a
// before/after comparison runs the same measuring code on both trees.
(() => {
  const clock = { click: 0, idle: 0 };
  document.addEventListener(
    'click',
    () => {
      clock.click = performance.now();
      clock.idle = 0;
    },
    true,
  );
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.target.getAttribute('data-test-script-state') === 'notRunning') {
        clock.idle = performance.now();
      }
    }
  }).observe(document, {
    subtree: true,
    attributes: true,
    attributeFilter: ['data-test-script-state'],
  });

  const idle = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return Boolean(app) && app.getAttribute('data-test-script-state') === 'notRunning';
  };
  const mainText = () => {
    const main = document.querySelector('[data-testid="stMain"]');
    return main ? main.textContent : '';
  };

  window.__rnnviz = {
    // Seconds from the last click to the script turning idle after it, or null.
    clickLatency: () =>
      clock.click && clock.idle > clock.click ? (clock.idle - clock.click) / 1000 : null,
    // The script is idle (the app marks itself so only after drawing the run's elements).
    idle,
    // The script is idle and the main area shows every one of `parts`.
    shows: (parts) => {
      if (!idle()) return false;
      const text = mainText();
      return parts.every((p) => text.includes(p));
    },
  };
})();
