"""What the Python demos share besides swiftgrad: a one-line progress bar for the terminal and a
small SVG line chart of training curves (no plotting library needed)."""
import sys


class ProgressBar:
    """A progress bar redrawn in place on a terminal ("epoch 3/10 [#####.....] 50% loss 0.41"),
    or printed once per finished epoch when the output is not a terminal (make's log)."""

    def __init__(self, total, prefix, width=30, stream=sys.stdout):
        self.total, self.prefix, self.width, self.stream = total, prefix, width, stream
        self.interactive = stream.isatty()

    def update(self, done, suffix=""):
        if not self.interactive and done < self.total:
            return
        filled = self.width * done // self.total
        line = f"{self.prefix} [{'#' * filled}{'.' * (self.width - filled)}] {100 * done // self.total:3d}% {suffix}"
        self.stream.write(("\r" + line) if self.interactive else line + "\n")
        if self.interactive and done == self.total:
            self.stream.write("\n")
        self.stream.flush()


def write_svg(path, title, series, x_label="epoch", width=640, height=360):
    """A line chart of `series`, a dict {name: [y, ...]} (one point per x = 1, 2, ...), on one
    axis from 0 to the largest value, as D2L plots loss and accuracy together; a legend names
    each line."""
    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]
    left, right, top, bottom = 60, 20, 40, 50
    n = max(len(ys) for ys in series.values())
    y_max = max(max(ys) for ys in series.values() if ys) or 1.0
    plot_w, plot_h = width - left - right, height - top - bottom

    def xy(i, y):
        x = left + (plot_w * (i / (n - 1)) if n > 1 else plot_w / 2)
        return x, top + plot_h * (1 - y / y_max)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="{width / 2:.0f}" y="22" text-anchor="middle" font-size="15">{title}</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="black"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="black"/>',
             f'<text x="{left + plot_w / 2:.0f}" y="{height - 12}" text-anchor="middle" font-size="12">{x_label}</text>']
    for k in range(5):
        value = y_max * k / 4
        _, y = xy(0, value)
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{value:.2f}</text>')
    for i in range(n):
        x, _ = xy(i, 0)
        if n <= 20 or i % max(1, n // 10) == 0:
            parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="11">{i + 1}</text>')
    for c, (name, ys) in enumerate(series.items()):
        color = colors[c % len(colors)]
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in enumerate(ys)))
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}"/>')
        parts.append(f'<text x="{left + plot_w - 4}" y="{top + 14 + 16 * c}" text-anchor="end" font-size="12" '
                     f'fill="{color}">{name}</text>')
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")
