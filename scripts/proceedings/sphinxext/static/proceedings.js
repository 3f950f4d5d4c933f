// Proceedings pages: click-to-load recordings, the program's time-zone switch, the phone navigation.
"use strict";

function loadPlayer(box) {
  const source = box.dataset.embed;
  const player = /\.(mp4|webm|ogg|mov)$/i.test(source) ? document.createElement("video")
                                                       : document.createElement("iframe");
  player.src = source;
  player.title = box.dataset.title;
  player.className = "proceedings-player";
  if (player.tagName === "VIDEO") {
    player.controls = true;
  } else {
    player.allow = "autoplay; fullscreen; picture-in-picture";
    player.setAttribute("allowfullscreen", "");
  }
  box.replaceChildren(player);
  player.focus();
}

function showTimes(inReaderZone, venueZone) {
  const zone = inReaderZone ? Intl.DateTimeFormat().resolvedOptions().timeZone : venueZone;
  const format = new Intl.DateTimeFormat(undefined, {hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone});
  for (const time of document.querySelectorAll("time.proceedings-time")) {
    time.textContent = format.format(new Date(time.getAttribute("datetime")));
  }
  for (const label of document.querySelectorAll(".proceedings-zone-label")) {
    label.textContent = zone;
  }
  return zone;
}

// The theme's sidebar toggles are icon-only <summary> elements, written by its Python code rather
// than a template we can override: give them an accessible name.
function nameSidebarToggles() {
  for (const summary of document.querySelectorAll("summary")) {
    if (!summary.innerText.trim() && !summary.getAttribute("aria-label")) {
      summary.setAttribute("aria-label", "Show or hide the sub-pages");
    }
  }
}

// sphinx-book-theme's menu and contents buttons are second copies of pydata-sphinx-theme's, and both
// themes' scripts bind only the first copy (pydata-sphinx-theme #2451), so on a phone the navigation
// never opened: a click on a later copy clicks the first.
function forwardSidebarToggles() {
  for (const selector of [".primary-toggle", ".secondary-toggle"]) {
    const [bound, ...copies] = document.querySelectorAll(selector);
    for (const copy of copies) {
      copy.addEventListener("click", (event) => {
        event.preventDefault();
        bound.click();
      });
    }
  }
}

document.addEventListener("DOMContentLoaded", () => {
  nameSidebarToggles();
  forwardSidebarToggles();
  for (const box of document.querySelectorAll(".proceedings-recording")) {
    box.querySelector("button").addEventListener("click", () => loadPlayer(box));
  }
  for (const button of document.querySelectorAll(".proceedings-zone-switch")) {
    const venueZone = button.dataset.venueZone;
    let inReaderZone = false;
    button.hidden = false;
    button.addEventListener("click", () => {
      inReaderZone = !inReaderZone;
      const zone = showTimes(inReaderZone, venueZone);
      button.textContent = inReaderZone ? `Show venue times (${venueZone})` : "Show times in my time zone";
      button.setAttribute("aria-pressed", String(inReaderZone));
      document.documentElement.dataset.timeZone = zone;
    });
  }
});
