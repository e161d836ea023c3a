// Highlights a node's neighbours in the network drawing while it is hovered or focused.
const figure = document.getElementById('network-figure');
if (figure) {
  const nodes = [...figure.querySelectorAll('[data-node]')];
  const edges = [...figure.querySelectorAll('line[data-source]')];
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
