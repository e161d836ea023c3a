// The network drawing, enhanced: a node's neighbours highlighted while it is hovered or focused,
// and pan and zoom (wheel, pinch, drag, the buttons, the keyboard) by moving the SVG's viewBox.
// Without this script the drawing is whole and every node is a link; the table lists every link.
const figure = document.getElementById('network-figure');

function highlightNeighbours(root) {
  const nodes = [...root.querySelectorAll('[data-node]')];
  const edges = [...root.querySelectorAll('line[data-source]')];
  const show = (id) => {
    const near = new Set([id]);
    edges.forEach((edge) => {
      const touches = edge.dataset.source === id || edge.dataset.target === id;
      if (touches) { near.add(edge.dataset.source); near.add(edge.dataset.target); }
      edge.classList.toggle('threat-dimmed', !touches);
    });
    nodes.forEach((node) => node.classList.toggle('threat-dimmed', !near.has(node.dataset.node)));
  };
  const clear = () => {
    nodes.forEach((node) => node.classList.remove('threat-dimmed'));
    edges.forEach((edge) => edge.classList.remove('threat-dimmed'));
  };
  nodes.forEach((node) => {
    node.addEventListener('mouseenter', () => show(node.dataset.node));
    node.addEventListener('focus', () => show(node.dataset.node));
    node.addEventListener('mouseleave', clear);
    node.addEventListener('blur', clear);
  });
}

function panAndZoom(root) {
  const svg = root.querySelector('svg.threat-network__svg');
  const controls = root.querySelector('.threat-zoom');
  if (!svg || !controls) return;
  const home = svg.dataset.home.split(' ').map(Number);
  const [homeX, homeY, homeW, homeH] = home;
  let view = [...home];
  const apply = () => svg.setAttribute('viewBox', view.map((v) => Math.round(v * 10) / 10).join(' '));
  // The SVG point under a point of the screen (the viewBox's own scale and letterboxing included).
  const toSvg = (clientX, clientY) => {
    const point = new DOMPoint(clientX, clientY).matrixTransform(svg.getScreenCTM().inverse());
    return [point.x, point.y];
  };
  // Zoom by `factor` (above 1 closer) keeping the SVG point (cx, cy) where it is on the screen.
  const zoom = (factor, cx = view[0] + view[2] / 2, cy = view[1] + view[3] / 2) => {
    const width = Math.min(homeW * 2, Math.max(homeW / 32, view[2] / factor));
    const ratio = width / view[2];
    view = [cx - (cx - view[0]) * ratio, cy - (cy - view[1]) * ratio, width, view[3] * ratio];
    apply();
  };
  const pan = (dx, dy) => { view[0] += dx; view[1] += dy; apply(); };
  const reset = () => { view = [homeX, homeY, homeW, homeH]; apply(); };

  controls.hidden = false;
  root.classList.add('threat-network--zoomable');
  svg.setAttribute('tabindex', '0');
  svg.setAttribute('role', 'group');
  svg.setAttribute('aria-label', 'Network drawing: arrow keys move it, + and − zoom, 0 resets');
  controls.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-zoom]');
    if (!button) return;
    const action = button.dataset.zoom;
    if (action === 'in') zoom(1.5);
    else if (action === 'out') zoom(1 / 1.5);
    else reset();
  });
  svg.addEventListener('keydown', (event) => {
    const step = view[2] / 10;
    const keys = {
      ArrowLeft: () => pan(-step, 0),
      ArrowRight: () => pan(step, 0),
      ArrowUp: () => pan(0, -step),
      ArrowDown: () => pan(0, step),
      '+': () => zoom(1.5),
      '=': () => zoom(1.5),
      '-': () => zoom(1 / 1.5),
      0: reset,
    };
    const action = keys[event.key];
    if (action && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      action();
    }
  });
  svg.addEventListener('wheel', (event) => {
    event.preventDefault();
    zoom(Math.exp(-event.deltaY / 300), ...toSvg(event.clientX, event.clientY));
  }, { passive: false });

  // Drag to pan, pinch to zoom. A press that moves is a drag, not a click on the node under it.
  const pointers = new Map();
  let dragged = false;
  let pinch = null;
  svg.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    pointers.set(event.pointerId, [event.clientX, event.clientY]);
    dragged = false;
    pinch = null;
  });
  svg.addEventListener('pointermove', (event) => {
    const last = pointers.get(event.pointerId);
    if (!last) return;
    const scale = svg.getScreenCTM().a;  // screen pixels per SVG unit
    if (pointers.size === 1) {
      const [dx, dy] = [event.clientX - last[0], event.clientY - last[1]];
      if (!dragged && Math.hypot(dx, dy) < 4) return;
      if (!dragged) {
        dragged = true;
        svg.setPointerCapture(event.pointerId);
        root.classList.add('threat-network--panning');
      }
      pointers.set(event.pointerId, [event.clientX, event.clientY]);
      pan(-dx / scale, -dy / scale);
      return;
    }
    pointers.set(event.pointerId, [event.clientX, event.clientY]);
    const [a, b] = [...pointers.values()];
    const distance = Math.hypot(a[0] - b[0], a[1] - b[1]);
    const middle = toSvg((a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
    if (pinch) zoom(distance / pinch, ...middle);
    pinch = distance;
    dragged = true;
  });
  const release = (event) => {
    pointers.delete(event.pointerId);
    pinch = null;
    if (pointers.size === 0) root.classList.remove('threat-network--panning');
  };
  svg.addEventListener('pointerup', release);
  svg.addEventListener('pointercancel', release);
  svg.addEventListener('click', (event) => {
    if (dragged) { event.preventDefault(); dragged = false; }
  }, true);
}

if (figure) {
  highlightNeighbours(figure);
  panAndZoom(figure);
}
