"""The network drawn on the server as SVG: where each node goes, where its label goes, and the
box (viewBox) that holds them all, labels included.

Each linked group is laid out on its own by a seeded Fruchterman–Reingold force layout written
with numpy (networkx's ``spring_layout`` takes seconds at a few hundred nodes, and from 500 nodes
asks for scipy, which Convenor does not install), then scaled so its nodes sit apart. Labels are
placed one by one, hubs first, at whichever of eight places around the node overlaps the fewest
labels, nodes and links already there. A group whose labels still collide is spread out and
placed again; a label that finds no free place in a crowded group is marked ``crowded`` (the
page shows it on hover or focus only). Groups are packed in rows, largest first. The same network
is drawn the same way every time.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from .graph import Network

NODE_RADIUS = 8
FONT_SIZE = 12
LABEL_HEIGHT = 15.0
LABEL_CHARS = 30
LABEL_GAP = 4.0  # between a node's circle and its label
PADDING = 12.0  # around each group's box, and so around the whole drawing
WIDTH = 960.0  # groups are packed in rows this wide (a wider group makes its row wider)
SPACING = 90.0  # the typical distance between a node and its nearest neighbour, at first
SPREAD_TRIES = 6  # how many times a group with colliding labels is spread out and tried again
SPREAD_LIMIT = 120  # larger groups are not spread out: their crowded labels show on hover
ITERATIONS = 60

# The advance of a character as a fraction of the font size, generous enough for Arial,
# Helvetica and DejaVu Sans (the sans-serif of a Linux browser without Arial).
_NARROW, _SMALL, _WIDE = set("iljI|.,:;'!"), set("frt ()[]-/"), set("mwMW…@%")


def text_width(text: str) -> float:
    """An upper estimate of ``text``'s width in pixels at FONT_SIZE."""
    em = 0.0
    for char in text:
        if char in _NARROW:
            em += 0.32
        elif char in _SMALL:
            em += 0.44
        elif char in _WIDE:
            em += 1.0
        elif char.isupper():
            em += 0.78
        else:
            em += 0.66
    return float(math.ceil(em * FONT_SIZE + 2.0))


def short_label(label: str, limit: int = LABEL_CHARS) -> str:
    """``label`` cut to ``limit`` characters with an ellipsis, keeping a closing "(E12)" so two
    nodes told apart by it stay apart."""
    if len(label) <= limit:
        return label
    base, suffix = label, ""
    if label.endswith(")") and " (" in label:
        base, _, rest = label.rpartition(" (")
        suffix = f" ({rest}"
        if len(suffix) > limit // 2:
            base, suffix = label, ""
    return base[: limit - len(suffix) - 1].rstrip() + "…" + suffix


@dataclass
class Rect:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Rect) -> bool:
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.h
            and other.y < self.y + self.h
        )

    def hits_segment(self, x1: float, y1: float, x2: float, y2: float) -> bool:
        """Whether the segment crosses this rectangle (Liang–Barsky clipping)."""
        t0, t1 = 0.0, 1.0
        dx, dy = x2 - x1, y2 - y1
        for p, q in (
            (-dx, x1 - self.x),
            (dx, self.x + self.w - x1),
            (-dy, y1 - self.y),
            (dy, self.y + self.h - y1),
        ):
            if p == 0:
                if q < 0:
                    return False
                continue
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                return False
        return True


class _Grid:
    """A spatial hash of what is already drawn, so each candidate place asks only its cells."""

    CELL = 64.0

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list] = defaultdict(list)

    def _keys(self, x0: float, y0: float, x1: float, y1: float):
        c = self.CELL
        for i in range(math.floor(x0 / c), math.floor(x1 / c) + 1):
            for j in range(math.floor(y0 / c), math.floor(y1 / c) + 1):
                yield i, j

    def add(self, item: tuple, x0: float, y0: float, x1: float, y1: float) -> None:
        for key in self._keys(x0, y0, x1, y1):
            self.cells[key].append(item)

    def near(self, rect: Rect) -> set:
        found: set = set()
        for key in self._keys(rect.x, rect.y, rect.x + rect.w, rect.y + rect.h):
            found.update(self.cells.get(key, ()))
        return found


def _candidates(x: float, y: float, w: float, h: float) -> list[Rect]:
    """Eight places for a w x h label around a node at (x, y), the preferred first."""
    near = NODE_RADIUS + LABEL_GAP
    diagonal = NODE_RADIUS * 0.7 + LABEL_GAP / 2
    return [
        Rect(x + near, y - h / 2, w, h),  # right
        Rect(x - near - w, y - h / 2, w, h),  # left
        Rect(x - w / 2, y - near - h, w, h),  # above
        Rect(x - w / 2, y + near, w, h),  # below
        Rect(x + diagonal, y - diagonal - h, w, h),  # above right
        Rect(x + diagonal, y + diagonal, w, h),  # below right
        Rect(x - diagonal - w, y - diagonal - h, w, h),  # above left
        Rect(x - diagonal - w, y + diagonal, w, h),  # below left
    ]


def _place_labels(
    order: list[str],
    position: dict[str, tuple[float, float]],
    sizes: dict[str, tuple[float, float]],
    pairs: list[tuple[str, str]],
) -> tuple[dict[str, Rect], set[str]]:
    """Each node's label rectangle, and the nodes whose label could not avoid another label."""
    grid = _Grid()
    r = NODE_RADIUS + 1
    for node_id, (x, y) in position.items():
        grid.add(("node", node_id), x - r, y - r, x + r, y + r)
    segments = [(*position[a], *position[b]) for a, b in pairs]
    for index, (x1, y1, x2, y2) in enumerate(segments):
        grid.add(("edge", index), min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
    placed: dict[str, Rect] = {}
    crowded: set[str] = set()
    for node_id in order:
        x, y = position[node_id]
        best, best_cost, best_clashes = None, math.inf, 0
        for rank, rect in enumerate(_candidates(x, y, *sizes[node_id])):
            clashes = cost = 0.0
            for kind, other in grid.near(rect):
                if kind == "label" and rect.overlaps(placed[other]):
                    clashes += 1
                elif kind == "node" and other != node_id:
                    ox, oy = position[other]
                    if rect.overlaps(Rect(ox - r, oy - r, 2 * r, 2 * r)):
                        cost += 40
                elif kind == "edge":
                    x1, y1, x2, y2 = segments[other]
                    if rect.hits_segment(x1, y1, x2, y2):
                        cost += 3
            cost += clashes * 1000 + rank * 0.5
            if cost < best_cost:
                best, best_cost, best_clashes = rect, cost, clashes
            if cost == rank * 0.5:
                break  # nothing in the way: no later place can do better
        placed[node_id] = best
        if best_clashes:
            crowded.add(node_id)
        else:
            grid.add(("label", node_id), best.x, best.y, best.x + best.w, best.y + best.h)
    return placed, crowded


def _spring(count: int, pairs: list[tuple[int, int]], seed: int) -> list[tuple[float, float]]:
    """Seeded Fruchterman–Reingold positions of ``count`` nodes in about a unit square."""
    import numpy as np

    if count == 1:
        return [(0.0, 0.0)]
    rng = np.random.default_rng(seed)
    x, y = rng.random(count, dtype=np.float32), rng.random(count, dtype=np.float32)
    k2 = 1.0 / count  # the ideal distance k = 1 / sqrt(count), squared
    source = np.array([a for a, _ in pairs], dtype=np.intp)
    target = np.array([b for _, b in pairs], dtype=np.intp)
    dx, dy, d2 = (np.empty((count, count), dtype=np.float32) for _ in range(3))
    temperature = 0.1
    cooling = temperature / (ITERATIONS + 1)
    for _ in range(ITERATIONS):
        # Every pair repels by k^2 / d, along the unit vector: k^2 * (dx, dy) / d^2.
        np.subtract.outer(x, x, out=dx)
        np.subtract.outer(y, y, out=dy)
        np.multiply(dx, dx, out=d2)
        d2 += dy * dy
        np.maximum(d2, 1e-4, out=d2)
        np.divide(k2, d2, out=d2)
        fx, fy = np.einsum("ij,ij->i", dx, d2), np.einsum("ij,ij->i", dy, d2)
        if len(source):
            # Each link pulls its ends together by d^2 / k, along the unit vector.
            ax, ay = x[source] - x[target], y[source] - y[target]
            pull = np.sqrt((ax * ax + ay * ay) / k2)
            fx -= np.bincount(source, ax * pull, count) - np.bincount(target, ax * pull, count)
            fy -= np.bincount(source, ay * pull, count) - np.bincount(target, ay * pull, count)
        length = np.maximum(np.hypot(fx, fy), 0.01)
        step = np.minimum(length, temperature) / length
        x += fx * step
        y += fy * step
        temperature -= cooling
    return [(float(a), float(b)) for a, b in zip(x, y, strict=True)]


def _typical_gap(points: list[tuple[float, float]]) -> float:
    """The median distance from a point to its nearest neighbour (1 for a lone point)."""
    import numpy as np

    if len(points) < 2:
        return 1.0
    pos = np.array(points)
    distance = np.sqrt(((pos[:, None, :] - pos[None, :, :]) ** 2).sum(axis=-1))
    np.fill_diagonal(distance, np.inf)
    return float(np.median(distance.min(axis=1))) or 1.0


def _groups(network: Network) -> list[list[str]]:
    """The network's linked groups (node ids sorted), largest first."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for e in network.edges:
        neighbours[e.source].add(e.target)
        neighbours[e.target].add(e.source)
    seen: set[str] = set()
    groups: list[list[str]] = []
    for node in network.nodes:
        if node.id in seen:
            continue
        stack, members = [node.id], []
        seen.add(node.id)
        while stack:
            current = stack.pop()
            members.append(current)
            for other in neighbours[current] - seen:
                seen.add(other)
                stack.append(other)
        groups.append(sorted(members))
    groups.sort(key=lambda g: (-len(g), g[0]))
    return groups


def _lay_out_group(members, pairs, sizes, degree, seed):
    """One group's node positions and label rectangles, and its crowded labels, in its own
    coordinates."""
    index = {node_id: i for i, node_id in enumerate(members)}
    unit = _spring(len(members), [(index[a], index[b]) for a, b in pairs], seed)
    typical = _typical_gap(unit)
    order = sorted(members, key=lambda n: (-degree[n], n))
    scale = SPACING / typical
    tries = SPREAD_TRIES if len(members) <= SPREAD_LIMIT else 1
    for _ in range(tries):
        position = {n: (unit[index[n]][0] * scale, unit[index[n]][1] * scale) for n in members}
        labels, crowded = _place_labels(order, position, sizes, pairs)
        if not crowded:
            break
        scale *= 1.35
    return position, labels, crowded


def _extent(position: dict, labels: dict[str, Rect]) -> Rect:
    """The rectangle holding every node circle and label of one group."""
    r = NODE_RADIUS + 2
    left = min([x - r for x, _ in position.values()] + [b.x for b in labels.values()])
    top = min([y - r for _, y in position.values()] + [b.y for b in labels.values()])
    right = max([x + r for x, _ in position.values()] + [b.x + b.w for b in labels.values()])
    bottom = max([y + r for _, y in position.values()] + [b.y + b.h for b in labels.values()])
    return Rect(left, top, right - left, bottom - top)


def layout(network: Network, width: float = WIDTH, seed: int = 7) -> dict:
    """Node and label positions for a server-drawn SVG, and the viewBox holding all of them."""
    sizes: dict[str, tuple[float, float]] = {}
    texts: dict[str, str] = {}
    for node in network.nodes:
        texts[node.id] = short_label(node.label)
        sizes[node.id] = (text_width(texts[node.id]), LABEL_HEIGHT)
    degree: dict[str, int] = defaultdict(int)
    for e in network.edges:
        degree[e.source] += 1
        degree[e.target] += 1
    pairs_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    group_of: dict[str, str] = {}
    laid_out = []
    groups = _groups(network)
    for members in groups:
        group_of.update(dict.fromkeys(members, members[0]))
    for e in network.edges:
        pairs_of[group_of[e.source]].append((e.source, e.target))
    for members in groups:
        local, local_labels, local_crowded = _lay_out_group(
            members, pairs_of[members[0]], sizes, degree, seed
        )
        laid_out.append((local, local_labels, local_crowded, _extent(local, local_labels)))
    # Rows about as wide as the drawing is tall (most screens are wider than tall: 4:3), and
    # never narrower than ``width`` or the widest group.
    area = sum((box.w + 2 * PADDING) * (box.h + 2 * PADDING) for *_, box in laid_out)
    widest = max((box.w + 2 * PADDING for *_, box in laid_out), default=0.0)
    width = max(width, widest, math.sqrt(area * 4 / 3))
    position: dict[str, tuple[float, float]] = {}
    labels: dict[str, Rect] = {}
    crowded: set[str] = set()
    x = y = row_height = row_width = 0.0
    for local, local_labels, local_crowded, box in laid_out:
        box_w, box_h = box.w + 2 * PADDING, box.h + 2 * PADDING
        if x > 0 and x + box_w > width:
            x, y, row_height = 0.0, y + row_height, 0.0
        dx, dy = x - box.x + PADDING, y - box.y + PADDING
        for node_id, (px, py) in local.items():
            position[node_id] = (px + dx, py + dy)
            b = local_labels[node_id]
            labels[node_id] = Rect(b.x + dx, b.y + dy, b.w, b.h)
        crowded |= local_crowded
        x += box_w
        row_width = max(row_width, x)
        row_height = max(row_height, box_h)
    height = y + row_height

    def point(node_id: str) -> tuple[float, float]:
        px, py = position[node_id]
        return round(px, 1), round(py, 1)

    nodes = []
    for n in network.nodes:
        px, py = point(n.id)
        box = labels[n.id]
        nodes.append(
            {
                "node": n,
                "x": px,
                "y": py,
                "label": texts[n.id],
                "label_x": round(box.x + 1, 1),
                "label_y": round(box.y + FONT_SIZE - 0.5, 1),
                "label_box": (round(box.x, 1), round(box.y, 1), box.w, box.h),
                "crowded": n.id in crowded,
            }
        )
    edges = [
        {
            "edge": e,
            "x1": point(e.source)[0],
            "y1": point(e.source)[1],
            "x2": point(e.target)[0],
            "y2": point(e.target)[1],
        }
        for e in network.edges
    ]
    width_out, height_out = max(math.ceil(row_width), 100), max(math.ceil(height), 100)
    return {
        "width": width_out,
        "height": height_out,
        "view_box": f"0 0 {width_out} {height_out}",
        "nodes": nodes,
        "edges": edges,
        "crowded": len(crowded),
    }
