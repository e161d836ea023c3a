// While a profile builds, ask for its progress every two seconds and show it; when the build
// has finished, load the page again to show the profile. Without JavaScript the page offers a
// link that does the same.
const building = document.querySelector('[data-profile-building]');
if (building) {
  const bar = building.querySelector('progress');
  const percent = building.querySelector('[data-progress-percent]');
  const stage = building.querySelector('[data-progress-stage]');
  const poll = async () => {
    try {
      const response = await fetch(building.dataset.statusUrl, { credentials: 'same-origin' });
      if (response.ok) {
        const status = await response.json();
        if (status.finished) {
          window.location.reload();
          return;
        }
        bar.value = status.progress;
        bar.textContent = `${status.progress}%`;
        percent.textContent = `${status.progress}%`;
        stage.textContent = status.stage;
      }
    } catch (error) {
      // Keep the link for a manual refresh; try again on the next tick.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}
