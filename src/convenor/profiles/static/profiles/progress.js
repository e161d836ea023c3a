// While a profile builds, reload its page every few seconds so the progress shown stays current.
// Without JavaScript the page offers a link that does the same.
const building = document.querySelector('[data-profile-building]');
if (building) {
  window.setTimeout(() => window.location.reload(), 3000);
}
