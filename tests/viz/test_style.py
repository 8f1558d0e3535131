"""bptutor.viz.style: one figure size and font set for the course."""
import io
import struct

import matplotlib.pyplot as plt

from bptutor.viz import style


def _png_width(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")  # what the inline backend does
    return struct.unpack(">II", buf.getvalue()[16:24])[0]


def test_figure_is_full_width_with_the_course_fonts():
    fig, ax = style.figure()
    assert tuple(fig.get_size_inches()) == style.SIZE and fig.dpi == 100
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("h")
    ax.set_ylabel("error")
    assert ax.xaxis.label.get_fontsize() == style.RC["axes.labelsize"]
    # a figure with labels keeps nearly all its width after the inline backend's tight crop
    assert _png_width(fig) >= 0.95 * style.WIDTH * 100


def test_rows_columns_and_keywords_pass_through():
    fig, axes = style.figure(nrows=2, ncols=3, sharey=True)
    assert axes.shape == (2, 3)
    assert fig.get_size_inches()[1] == 2 * style.ROW_HEIGHT
    fig, ax = style.figure(height=2.5, width=5.0)
    assert tuple(fig.get_size_inches()) == (5.0, 2.5)
    plt.close("all")


def test_png_and_picture():
    fig, ax = style.figure(height=2.0)
    ax.plot([0, 1], [1, 0])
    data = style.png(fig)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and not plt.fignum_exists(fig.number)
    image = style.picture()
    image.value = data
    assert image.format == "png" and image.layout.max_width == "100%"
