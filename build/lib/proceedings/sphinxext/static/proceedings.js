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
    player.allow = "autoplay; fullscreen; picture-in-picture";  // allowfullscreen beside it drew a warning
  }
  box.replaceChildren(player);
  player.focus();
}

// The page's address in the online archive: its canonical link, which the site's base URL gives;
// null without one. (The search page's script uses it too.)
function onlineAddress() {
  const canonical = document.querySelector('link[rel="canonical"]');
  const address = canonical ? new URL(canonical.href) : null;
  return address && (address.protocol === "https:" || address.protocol === "http:") ? address : null;
}

// Opened from the offline zip (as files), a page's link to the zip leads to the online archive's:
// the zip does not hold itself.
function linkTheZipOnline() {
  const online = onlineAddress();
  for (const link of document.querySelectorAll('a[href$="proceedings-site.zip"]')) {
    if (online) {
      link.href = new URL(link.getAttribute("href"), online).href;
    } else {
      (link.closest("li") ?? link).remove();
    }
  }
}

// The reader's choice of clock, kept across pages and visits: "reader" or "venue".
const TIMES_KEY = "proceedings-times";

function storedChoice() {
  try {
    return localStorage.getItem(TIMES_KEY);
  } catch {
    return null;  // storage refused (privacy settings): the choice lasts for this page
  }
}

function storeChoice(inReaderZone) {
  try {
    localStorage.setItem(TIMES_KEY, inReaderZone ? "reader" : "venue");
  } catch {
    // as above
  }
}

function dayOf(moment, zone) {
  return new Intl.DateTimeFormat("en-CA", {timeZone: zone}).format(moment);
}

// Every time on the page in the reader's zone or the venue's. A time on another day than the time
// before it gets its date, once: a program read far away says where its day turns, and a slot that
// crosses midnight says so (dated at each time, a trial found eight of thirteen slots repeating
// "(Tue, Apr 28)"). The first time, and one earlier than the time before it (a list begins), are
// compared with the venue's day.
function showTimes(inReaderZone) {
  const readerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  let before = null;
  for (const time of document.querySelectorAll("time.proceedings-time")) {
    const venueZone = time.dataset.venueZone;
    const zone = inReaderZone ? readerZone : venueZone;
    const moment = new Date(time.getAttribute("datetime"));
    let text = new Intl.DateTimeFormat(undefined, {hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone})
      .format(moment);
    const day = dayOf(moment, zone);
    const dayBefore = before && moment >= before.moment ? before.day : dayOf(moment, venueZone);
    before = {moment, day};
    if (day !== dayBefore) {
      text += ` (${new Intl.DateTimeFormat(undefined, {weekday: "short", day: "numeric", month: "short", timeZone: zone})
        .format(moment)})`;
    }
    time.textContent = text;
  }
  for (const label of document.querySelectorAll(".proceedings-zone-label")) {
    label.textContent = inReaderZone ? `your time (${readerZone})` : label.dataset.venueLabel;
  }
  for (const button of document.querySelectorAll(".proceedings-zone-switch")) {
    button.textContent = inReaderZone ? `Show venue times (${button.dataset.venueZone})` : "Show times in my time zone";
    button.setAttribute("aria-pressed", String(inReaderZone));
  }
  document.documentElement.dataset.timeZone = inReaderZone ? readerZone : "";
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
  if (window.location.protocol === "file:") {
    linkTheZipOnline();
  }
  nameSidebarToggles();
  forwardSidebarToggles();
  for (const box of document.querySelectorAll(".proceedings-recording")) {
    box.querySelector("button").addEventListener("click", () => loadPlayer(box));
    box.hidden = false;
  }
  let inReaderZone = storedChoice() === "reader";
  if (inReaderZone) {
    showTimes(true);
  }
  for (const button of document.querySelectorAll(".proceedings-zone-switch")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      inReaderZone = !inReaderZone;
      storeChoice(inReaderZone);
      showTimes(inReaderZone);
    });
  }
});
