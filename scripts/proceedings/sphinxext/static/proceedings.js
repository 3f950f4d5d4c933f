// Proceedings pages: click-to-load recordings and the program's time-zone switch.
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

document.addEventListener("DOMContentLoaded", () => {
  nameSidebarToggles();
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
