"""The "About the model" tab: equations (MathJax), assumptions, and which paper figure each panel reproduces."""

from __future__ import annotations

import re
from typing import Any

from dash import dcc, html

from components.page.gallery import figure_link
from components.page.layout import DASHBOARD_TAB
from components.panels import PANELS, TAB_OF_PANEL
from qdgain_core.paper_figures import FIGURES

REFERENCES: tuple[tuple[str, str], ...] = (
    ("[000]", "D. Zenatti and P. Kambhampati, “Optical gain in colloidal quantum dots is limited by biexciton "
              "absorption, not biexciton recombination” (with its Supplementary Information); journal and year "
              "not printed in the copy."),
    ("[001]", "D. Zenatti and P. Kambhampati, “A Path towards Thresholdless Colloidal Quantum Dot Lasers by Solving "
              "Decades of Mythology on Optical Gain,” arXiv preprint arXiv:2510.01199 (2025), as cited in "
              "reference 7 of [000]."),
    ("[002]", "J. J. Geuchies, B. Brynjarsson, G. Grimaldi, S. Gudjonsdottir, W. van der Stam, W. H. Evers and "
              "A. J. Houtepen, “Quantitative electrochemical control over optical gain in quantum-dot solids” "
              "(with its Supporting Information); journal and year not printed in the copy."),
    ("[004]", "B. T. Diroll, J. P. Cassidy, D. Harankahage, M. Hua, X.-M. Lin and M. Zamkov, “Large Two-Photon Cross "
              "Sections and Low-Threshold Multiphoton Lasing of CdS/CdSe/CdS Quantum Shells,” Nanoscale, submitted "
              "2023 (manuscript NR-ART-08-2023-004203.R1)."),
)

MODEL_TEXT = r"""
### One engine for every paper

A film of quantum dots is pumped so that each dot holds on average $\langle N\rangle$ excitons; electrochemistry
may add $\langle n\rangle = \langle n_{1S(e)}\rangle$ extra electrons. The nonlinear absorption of the ensemble is

$$
\mathrm{OD_{NL}}(E) = \sum_n f_n \sum_N P_N \sum_{\text{lines}} c_{\text{line}}(N,n)\, L_{\text{line}}(E),
$$

with $c > 0$ absorbing and $c < 0$ stimulated emission. The coefficients count the band-edge transitions that
can still absorb ($U$) and emit ($D$), in one of two schemes: **transitions** ([002] Eqs. S1–S6)

$$
U = \max(g_e - N - n, 0)\,\max(g_h - N, 0), \qquad D = \min(N + n, g_e)\,\min(N, g_h) \quad (\text{over } g_e g_h),
$$

or **sites** ([001] §3.3, the Rabi picture of a doubly degenerate excited state): $U = g - N - n$, $D = N$ over $g$.
Every emission line has its **Einstein partner** in the dot's lower state: an empty dot absorbs on the bright
fine-structure state $X_A$ at $E_A$ *and* on the emitting state $X_E$ at $E_A - \Delta_{FS}$, and a dot holding
one exciton emits from its exciton manifold in thermal equilibrium (or, in [001]'s idealized three-level system,
from $X_E$ only). A dot holding excitons absorbs into the biexciton (ESA, [000] Eq. 5) and, holding two or more,
emits on the biexciton line; charged dots absorb and emit on trion lines near $E_A$. **Net gain means
$\mathrm{OD_{NL}} < 0$.** With all lines equal this is plain counting: $\langle N_{th}\rangle = 1.54$ for
$g_e = 2$, $g_h = 4$ ([002] Fig. S4), and exactly 1.0 for two sites under Rabi pumping.

### The two control parameters

The emission sits a Stokes shift $\Delta_{SS}$ below the absorption; the ESA peak sits at $E_A - \chi\,\Delta_{SS}$:

$$
\chi = \frac{\Delta^{A}_{XX}}{\Delta_{SS}} \quad\text{([000] Eq. 6)}, \qquad
\eta = \frac{\Delta_{FS}}{\Delta_{ph}} \quad\text{([000] Eq. 7)}, \qquad
\Delta_{SS} = \Delta_{FS} + 2\lambda .
$$

$\Delta_{FS}$ is the exciton fine-structure splitting, $\lambda$ the lattice reorganization energy and
$\Delta_{ph}^2 = 2\lambda k_B T$ the width of the phonon progression. Large $\eta$ (crystalline CdSe, $\eta\approx 10$)
is a **three-level system**: the emitting state $X_E$ absorbs from the populated ground state at its own emission
energy, so gain needs inversion of that transition ($\langle N\rangle = 1$ for two sites). Small $\eta$ (soft,
polaronic lattices such as perovskites) is a **four-level system**: the emission ends on vibrationally excited
ground states, only the absorption tail reabsorbs, and the threshold drops ([001] Fig. 8: 0.5 instead of 1.0).

### Lineshapes

Absorption and emission of one transition share the lineshape function of a spin–boson (cumulant) model
([000] Eqs. 3–4):

$$
g(t) = \int d\Omega\, \frac{J(\Omega)}{\pi\Omega^2}
\left[\coth\frac{\Omega}{2k_BT}(1-\cos\Omega t) + i(\sin\Omega t - \Omega t)\right],
$$

$$
\sigma_A(E) \propto E\,\mathrm{Re}\!\int_0^\infty e^{i(E-E_0)t - g(t)}\,dt, \qquad
\sigma_{SE}(E) \propto E\,\mathrm{Re}\!\int_0^\infty e^{i(E-E_0+2\lambda)t - g^*(t)}\,dt ,
$$

with an underdamped LO mode and an overdamped Drude–Lorentz bath, both with the exact $\coth$, and a Gaussian
electronic width: every absorption–emission pair, and the thermalized exciton manifold as a whole, obeys the
Kennard–Stepanov (McCumber) relation $\sigma_{SE}/\sigma_A \propto e^{-E/k_BT}$ across the whole band. The
**Simple Model** of [001] (§3.3) replaces every line by a Gaussian of one width (lineshape model "gaussian");
its 3LS and 4LS differ in geometry: fine structure for $\eta \gg 1$, a displaced line pair for $\eta \ll 1$.

### Gain threshold and cross section

$\langle N_{th}\rangle$ is the smallest $\langle N\rangle$ with net gain. The *window* method integrates
$\mathrm{OD_{NL}}$ over the single-exciton emission band ([000] Eq. 8); *band* over the absorption band
([002]); *total* over all energies (it must equal transition counting); *peak* asks for a net gain of a
fraction of the absorption peak; *probe* looks at one photon energy ([002] Fig. 5d). When there is no gain
up to the search limit the dashboard says **no gain** and why — never a number.

$$
\sigma_{\mathrm{eff}}(E) = \sigma_{SE}(E) - \sigma_{ESA}(E) \quad\text{([000] Eq. 5)}, \qquad
\frac{\sigma_{\mathrm{eff}}}{\sigma_{SE}} = \frac{\max_E \sigma_{\mathrm{eff}}}{\max_E \sigma_{SE}} .
$$

### Excitation and doping statistics

One-photon pumping gives a Poisson distribution with $\langle N\rangle = \sigma_{pump} J / E_{pump}$;
two-photon pumping ([004]) $\langle N\rangle = \sigma_2 F^2/(\sqrt{2\pi}\,\tau_0)$; resonant band-edge pumping
([001] §3.3) excites each band-edge site with probability $\sin^2(\Theta/2)$, $\Theta = \pi\sqrt{J/J_\pi}$.
Doping uses the grand-canonical partition function of [002] (Eqs. S9–S16),

$$
Z = 1 + 2e^{\beta e (V - V_{1S})} + e^{\beta e (2V - 2V_{1S} - V_C)}, \qquad \langle n\rangle = f_1 + 2 f_2 .
$$

### Amplified spontaneous emission

The material gain is $g(E) = -n_{QD}\,\sigma_{A,peak}\,\mathrm{OD_{NL}}(E)/\max \mathrm{OD_0}$ ([002]:
$g = -A\ln 10/d$) and the modal net gain $g_{net} = \Gamma g - \alpha$. Spontaneous emission is amplified along a
stripe of length $L$, $dI(E)/dz = g_{net}(E)\,I(E) + A_{sp}(E)$, and every stimulated photon takes one excitation
from the film, so the output never exceeds what the pump created and grows about linearly far above threshold.
The ASE threshold is where the output leaves its spontaneous slope (1 for one-photon, 2 for two-photon pumping,
the Rabi law's for resonant pumping) — and only where the net modal gain is positive ([001] Fig. 9; [004]).

### Gain dynamics

Multiexcitons decay by Auger recombination, $N \to N-1$ at

$$
k(N,n) = \tfrac{k_{XX}}{8}(N+n)N\left[\max(N+n-1,0) + \max(N-1,0)\right] \quad\text{([002] Eq. S22)},
$$

solved exactly.
$\tau_{XX} = 310$ ps gives $\tau_{XXX} = 68.9$ ps.

### Assumptions and project choices

* Lines are area-normalised; all transitions of one dot shift together with its size (one inhomogeneous
  convolution).
* The phase maps hold the operating point's electronic quantities fixed ($\Delta_{XX}$, widths, $T$,
  degeneracies, doping). Along $\eta$ they hold one of two things, chosen above the maps ("η axis holds"):
  the fine structure $\Delta_{FS}$, so that $\eta$ dresses the lattice and the Stokes shift
  $\Delta_{SS} = \Delta_{FS} + 2\lambda$ grows as $\eta$ falls (up to hundreds of meV; rows beyond $E_A/2$ are
  not computed), or the Stokes shift $\Delta_{SS}$ itself, which $\eta$ only splits into $\Delta_{FS}$ and
  $2\lambda$. Each row's $\Delta_{SS}$ and $\Delta_{FS}$ are in the hover, and the $\eta$ cuts draw $\Delta_{SS}$ on
  a right-hand axis. The Gaussian Simple Model has no lattice width to dress and always holds $\Delta_{SS}$.
* The ESA and biexciton emission carry the lattice displacement *difference* $(\xi - 1)^2\lambda$ between
  biexciton and exciton (default $\xi = 1$).
* Surface trapping: a fraction $1 - \mathrm{PLQY}$ of excited dots cannot emit and absorbs deeper in the
  emission band ([000] Fig. 4a,b).
* Where a paper's number is out of reach, `docs/reproduction.md` (generated from the code) says so and
  `docs/model_notes.md` shows by computation why; the presets marked "calibrated" were fitted to named anchors.
* The gain lifetime counts while net gain exceeds 1 % of the band absorption.
* Where the papers are silent the choices are the project's own. The design is `docs/model.md` in the repository;
  the project's choices and the measured deviations from the papers are in `docs/model_notes.md`, and the
  references in `docs/references.md`.

### Using the dashboard

Drag a slider: the spectra and key numbers follow while you drag, the maps, ASE and dynamics follow when you
let go. Type exact values into the boxes. **Copy link** copies a URL holding the whole state; opening it
restores exactly that state. Every panel has a **CSV** button (exactly the plotted data, with units and the
parameters in the header) and a camera icon in its toolbar for a PNG.
"""


CITATION = re.compile(r"(?<!\{\()\[(\d{3})\]")


def linked_citations(markdown: str) -> str:
    """Turn "[000]" citations outside formulas into links to the reference list."""
    return CITATION.sub(r"[\\[\1\\]](#ref-\1)", markdown)


def figure_links(panel_id: str) -> list[Any]:
    """Links that open the dashboard in the state of each paper figure drawn on ``panel_id`` (the Paper figures)."""
    links: list[Any] = []
    for figure in FIGURES.values():
        if figure.panel == panel_id:
            links += [", "] if links else []
            links.append(html.A(figure.label, href=figure_link(figure),
                                title=f"Open the dashboard in the state of {figure.label}, the paper's values drawn"))
    return links


def panel_table() -> html.Table:
    """Which paper figure or equation each dashboard panel reproduces; each panel links to its tab, each paper
    figure to the dashboard in its state."""
    rows = [html.Tr([html.Td(html.A(panel.title, href=f"#{TAB_OF_PANEL.get(panel.id, DASHBOARD_TAB)}")),
                     html.Td(panel.reproduces),
                     html.Td(figure_links(panel.id) or "—"), html.Td(panel.caption)]) for panel in PANELS]
    return html.Table(className="panel-table", children=[
        html.Thead(html.Tr([html.Th("Panel"), html.Th("Reproduces"), html.Th("Open a paper figure"),
                            html.Th("What it shows")])),
        html.Tbody(rows),
    ])


def about_tab() -> html.Article:
    """The whole About page."""
    return html.Article(className="about", children=[
        html.H2("About the model"),
        dcc.Markdown(linked_citations(MODEL_TEXT), mathjax=True, className="about-text", link_target="_self"),
        html.H3("Panels and the paper figures they reproduce"),
        panel_table(),
        html.H3("References"),
        html.P("Journal and year are given only where the copy the project worked from prints them; "
               "docs/references.md in the repository says what each paper contributes."),
        html.Ol([html.Li([html.Strong(tag + " "), text], id=f"ref-{tag.strip('[]')}") for tag, text in REFERENCES],
                className="references"),
    ])
