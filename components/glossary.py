"""The glossary of the Learn view: one entry per term, in plain language, with where the papers define it.

Entries are anchored ``#glossary-<slug>`` (``anchor``); the six main sliders' labels link to theirs
(``FIELD_TERMS``), and ``linked_pieces`` turns the first mention of each term in a lesson's text into a
link. Both tables fail at import when incomplete: every main field has a term, every slug and every
alias is unique.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType

from components.fields import MAIN_FIELDS


@dataclass(frozen=True)
class Term:
    """One glossary entry: ``aliases`` are how lesson texts mention it (matched as whole words)."""

    slug: str
    term: str
    definition: str
    where: str
    aliases: tuple[str, ...] = ()


TERMS: tuple[Term, ...] = (
    Term("n-avg", "⟨N⟩ (excitation)",
         "The average number of excitons (electron–hole pairs) the pump puts in each dot. Individual dots hold "
         "0, 1, 2, … excitons at random around this average.",
         "[000] Eq. 1; [002] SI section S1", ("⟨N⟩",)),
    Term("n-doped", "⟨n_1S(e)⟩ (doping)",
         "The average number of extra electrons added to each dot's lowest electron level 1S(e), for example "
         "electrochemically. They fill states that would otherwise absorb, so fewer excitons are needed for gain.",
         "[002] Fig. 5, SI eqs. S9–S16", ("⟨n_1S(e)⟩", "⟨n⟩")),
    Term("poisson", "Poisson pumping",
         "A short pump pulse excites dots independently, so the number N of excitons in a dot follows a Poisson "
         "distribution P_N = ⟨N⟩^N e^(−⟨N⟩)/N!: even at ⟨N⟩ = 1 about a third of the dots hold none.",
         "[000] Eq. 1; [002] SI eq. S5", ("Poisson",)),
    Term("transition-counting", "Transition counting",
         "Counting the band-edge transitions that can still absorb and those that can emit, with 2 electron and "
         "4 hole states in CdSe; a dot is transparent when the two numbers are equal (4/3 excitons for one dot, "
         "1.54 for a Poisson ensemble).",
         "[002] SI eqs. S1–S6, Fig. S4", ("counting",)),
    Term("two-level", "Two-level system",
         "Absorption and emission on the same transition at the same energy. Every excited dot's emission is "
         "cancelled by an unexcited dot's absorption, so gain needs more than half of the dots' states excited.",
         "[001] section 1, Fig. 2a (the Standard Model)", ("two-level system", "two-level")),
    Term("level-systems", "Three- and four-level systems",
         "A three-level system emits from a state just below the absorbing one (fine structure) back to the "
         "populated ground state, which reabsorbs; a four-level system emits onto vibrationally excited ground "
         "states that are empty, so little reabsorbs and the threshold drops.",
         "[001] Fig. 3 and Fig. 8; [000] Fig. 5", ("three-level", "four-level", "3LS", "4LS")),
    Term("stokes-shift", "Stokes shift Δ_SS",
         "How far the emission sits below the absorption. It has two parts: the fine-structure splitting and twice "
         "the lattice reorganisation energy, Δ_SS = Δ_FS + 2λ.",
         "[000] Eqs. 3–7; [001] section 3.1", ("Stokes shift", "Δ_SS")),
    Term("fine-structure", "Fine structure Δ_FS",
         "The band-edge exciton is split into a bright state X_A that absorbs and a slightly lower state X_E that "
         "emits; Δ_FS is the energy between them. The emitting state also absorbs from the ground state.",
         "[000] Eq. 7; [001] Fig. 3", ("fine structure", "fine-structure", "Δ_FS")),
    Term("lattice-dressing", "Lattice dressing (reorganisation λ)",
         "The crystal lattice distorts around an exciton (a polaron). Emission then ends on a distorted, "
         "vibrationally excited ground state; λ is the energy this distortion takes up.",
         "[001] section 3; [000] Eqs. 3–4, 7", ("lattice dressing", "dresses", "dressing", "reorganisation")),
    Term("huang-rhys", "Huang–Rhys factor S",
         "The strength of the coupling of the exciton to one vibration: the average number of vibrational quanta "
         "emitted with the light, S = λ/ħω. Large S gives a broad phonon progression.",
         "[000] Eqs. 3–4 (lineshape function)", ("Huang–Rhys", "Huang-Rhys")),
    Term("chi", "χ (biexciton proximity)",
         "χ = Δ_XX^A/Δ_SS: where the biexciton absorption (ESA) sits, in units of the Stokes shift. At χ = 1 it "
         "lands right on the emission and eats the gain; far from 1 it moves away.",
         "[000] Eq. 6, Fig. 5", ("χ",)),
    Term("eta", "η (lattice parameter)",
         "η = Δ_FS/Δ_ph: fine structure against the width of the phonon progression. Large η (crystalline CdSe, "
         "η ≈ 10) behaves as a three-level system, small η (soft, polaronic lattices) as a four-level system.",
         "[000] Eq. 7, Fig. 5", ("η",)),
    Term("biexciton-binding", "Biexciton binding Δ_XX",
         "The energy by which two excitons in one dot attract each other: the biexciton emits Δ_XX below the "
         "exciton, and its absorption from a singly excited dot moves with it.",
         "[000] Eq. 6; [001] Fig. 8g–h", ("biexciton binding", "Δ_XX")),
    Term("biexciton", "Biexciton XX",
         "A dot holding two excitons. It can emit (XX → X) and a dot holding one exciton can absorb into it.",
         "[000] Eq. 5; [001] section 1", ("biexcitons", "biexciton")),
    Term("esa", "ESA (excited-state absorption)",
         "A dot that already holds an exciton absorbs another photon and becomes a biexciton. It competes with "
         "stimulated emission at the same energies: the main limit to gain in [000].",
         "[000] Eq. 5 and title; [001] Fig. 9", ("ESA", "excited-state absorption", "biexciton absorption")),
    Term("stimulated-emission", "Stimulated emission",
         "A photon makes an excited dot emit an identical photon. Its Einstein coefficient equals that of "
         "absorption on the same transition, which is why a two-level system only reaches transparency.",
         "[000] Eq. 4; [001] section 1", ("stimulated emission",)),
    Term("net-gain", "Net gain, OD_NL",
         "OD_NL is the optical density of the pumped film: absorption minus stimulated emission. Where it is below "
         "zero the film amplifies light: net gain.",
         "[000] Eq. 1; [002] Fig. 5", ("net gain", "OD_NL")),
    Term("threshold", "Gain threshold ⟨N_th⟩",
         "The smallest ⟨N⟩ at which the film shows net gain somewhere in its spectrum.",
         "[000] Fig. 5; [002] Fig. 5b", ("⟨N_th⟩", "threshold")),
    Term("cross-sections", "σ_eff/σ_SE",
         "The gain a singly excited dot actually gives (stimulated emission minus what it absorbs) relative to its "
         "stimulated emission alone; 1 means no loss to ESA.",
         "[000] Eq. 5, Fig. 4", ("σ_eff/σ_SE", "σ_eff")),
    Term("ase", "ASE (amplified spontaneous emission)",
         "Spontaneous photons amplified along a pumped stripe of film. Above threshold the output rises steeply "
         "(a kink) and the spectrum narrows.",
         "[001] Fig. 9; [004] Table 2", ("ASE", "amplified spontaneous emission")),
    Term("auger", "Auger decay",
         "In a dot with two or more excitons one exciton recombines without light and hands its energy to another "
         "carrier. It empties biexcitons in tens to hundreds of picoseconds and ends the gain.",
         "[002] section S1.5, Fig. 5c", ("Auger",)),
    Term("gain-lifetime", "Gain lifetime",
         "How long the film keeps net gain after the pump pulse, set by Auger decay of the multiply excited dots.",
         "[002] Fig. 5c", ("gain lifetime",)),
    Term("plqy", "PLQY",
         "Photoluminescence quantum yield: the fraction of absorbed photons the dots emit again as light.",
         "[000] Fig. 4", ("PLQY", "quantum yield")),
)

TERM_BY_SLUG = MappingProxyType({term.slug: term for term in TERMS})
FIELD_TERMS = MappingProxyType({"chi": "chi", "eta": "eta", "stokes_mev": "stokes-shift",
                                "xx_binding_mev": "biexciton-binding", "n_doped": "n-doped", "n_avg": "n-avg"})
MAX_LINKS_PER_TEXT = 4


def anchor(slug: str) -> str:
    """The element id (and URL hash without '#') of a glossary entry."""
    return f"glossary-{slug}"


def _check_tables() -> None:
    aliases = [alias for term in TERMS for alias in term.aliases]
    problems = [f"slug {term.slug!r} is repeated" for term in TERMS
                if [t.slug for t in TERMS].count(term.slug) > 1]
    problems += [f"alias {alias!r} is repeated" for alias in set(aliases) if aliases.count(alias) > 1]
    problems += [f"main field {name!r} has no term" for name in MAIN_FIELDS
                 if FIELD_TERMS.get(name) not in TERM_BY_SLUG]
    problems += [f"{term.slug}: needs a definition and where the papers have it" for term in TERMS
                 if not (term.definition and term.where)]
    if problems:
        raise RuntimeError("components.glossary incomplete: " + "; ".join(problems))


_check_tables()

_ALIAS_SLUG = {alias.casefold(): term.slug for term in TERMS for alias in term.aliases}
_PATTERN = re.compile("(?<!\\w)(" + "|".join(re.escape(alias) for alias in sorted(_ALIAS_SLUG, key=len, reverse=True))
                      + ")(?!\\w)", re.IGNORECASE)


def linked_pieces(text: str, seen: set[str] | None = None) -> list[str | tuple[str, str]]:
    """``text`` split into plain strings and (shown text, slug) links: the first mention of each term not in
    ``seen`` (updated), at most ``MAX_LINKS_PER_TEXT`` links."""
    seen = set() if seen is None else seen
    pieces: list[str | tuple[str, str]] = []
    position, links = 0, 0
    for match in _PATTERN.finditer(text):
        slug = _ALIAS_SLUG[match.group(1).casefold()]
        if slug in seen or links >= MAX_LINKS_PER_TEXT:
            continue
        seen.add(slug)
        links += 1
        pieces += [text[position:match.start()], (match.group(1), slug)]
        position = match.end()
    pieces.append(text[position:])
    return [piece for piece in pieces if piece]
