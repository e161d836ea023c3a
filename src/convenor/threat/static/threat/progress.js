// Polls a background job's progress and updates the page; reloads it when the job finishes.
// Without JavaScript the page offers a "Refresh" link instead.
const box = document.getElementById('job-progress');
if (box && box.dataset.running === 'true') {
  const bar = box.querySelector('progress');
  const status = box.querySelector('[data-status]');
  const rows = box.querySelector('[data-rows]');
  const stage = box.querySelector('[data-stage]');
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.progressUrl, { credentials: 'same-origin' });
      if (!response.ok) return;
      const job = await response.json();
      if (bar) { bar.value = job.percent; bar.textContent = `${job.percent}%`; }
      if (status) status.textContent = job.status_label;
      if (rows && job.total_rows !== undefined) rows.textContent = `${job.processed_rows} of ${job.total_rows}`;
      if (stage && job.stage !== undefined) stage.textContent = job.stage;
      if (job.finished) { window.location.reload(); return; }
    } catch (error) {
      // A dropped request is retried at the next tick.
    }
    window.setTimeout(poll, 1500);
  };
  window.setTimeout(poll, 1500);
}
