// Keeps a sending mailing's figures current without reloading the page: a meta refresh reloaded it under the
// editor's hands every ten seconds (WCAG 2.2.1). Every five seconds the page is fetched again and each element
// marked data-live gets the new text (and a progress bar its value); the editor can stop this. When the mailing
// is no longer sending, polling stops and a status message (a live region) says so.
(() => {
  const root = document.querySelector("[data-mailing-live]");
  if (!root) return;
  const toggle = document.querySelector("[data-mailing-live-toggle]");
  const notice = document.querySelector("[data-mailing-live-notice]");
  const done = document.querySelector("[data-mailing-live-done]");
  const every = 5000;
  let timer = null;

  function copy(fresh) {
    fresh.querySelectorAll("[data-live]").forEach((source) => {
      const target = root.querySelector(`[data-live="${source.dataset.live}"]`);
      if (!target) return;
      if (target.tagName === "PROGRESS") {
        target.max = source.max;
        target.value = source.value;
      }
      target.textContent = source.textContent;
    });
  }

  async function refresh() {
    timer = null;
    let fresh;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      fresh = page.querySelector("[data-mailing-live]");
    } catch (error) {
      schedule(); // a passing network fault: try again later
      return;
    }
    if (!fresh) return;
    copy(fresh);
    if (fresh.dataset.mailingLive === "sending") {
      schedule();
    } else {
      stop();
      notice.replaceChildren(done.content.cloneNode(true));
    }
  }

  function schedule() {
    timer = window.setTimeout(refresh, every);
  }

  function stop() {
    if (timer !== null) window.clearTimeout(timer);
    timer = null;
    toggle.hidden = true;
  }

  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    if (timer === null) {
      toggle.textContent = toggle.dataset.labelStop;
      refresh();
    } else {
      window.clearTimeout(timer);
      timer = null;
      toggle.textContent = toggle.dataset.labelStart;
    }
  });
  schedule();
})();
