/* qdgain: the energy-level picture of the operating point, drawn in the browser while the sliders move.

   window.qdgainLevels.model(data, values) turns the six main values (chi, eta, stokes_mev, xx_binding_mev,
   n_doped, n_avg) and the server's payload (components/level_geometry.py: the constants of solve_lattice, the
   per-process coefficient table, the doping fractions) into the level energies (meV) and the weight of each
   process, exactly as qdgain_core.ensemble.geometry_for and the parts of nonlinear_absorption do
   (tests/browser/test_browser_levels.py). window.qdgainLevels.draw(container, data, values, unit) draws the
   SVG: parabolas G, X_A, X_E, XX over the lattice coordinate, displaced so that relaxing costs lambda, and
   one vertical arrow per process whose stroke width is STROKE_PER_WEIGHT px per unit weight. */
(function () {
    "use strict";
    var SVG_NS = "http://www.w3.org/2000/svg";
    var WIDTH = 300, HEIGHT = 290, PAD_TOP = 14, PAD_BOTTOM = 12, GAP = 30;
    var CUP_PX = 30, CUP_HALF_PX = 46;            /* every parabola rises CUP_PX over CUP_HALF_PX either side */
    var CURVE = CUP_PX / (CUP_HALF_PX * CUP_HALF_PX);
    var MAX_SHIFT_PX = 70;
    var SCALES = [2, 1.5, 1, 0.75, 0.5, 0.35, 0.25, 0.18, 0.12, 0.08, 0.05];  /* px per meV, stable while dragging */
    var BARS = [5, 10, 20, 50, 100, 200];
    var STROKE_PER_WEIGHT = 7, HAIRLINE = 0.8, ABSENT = 0.005, MAX_STROKE = 10;
    var X_G = 78;

    function finite(x) { return typeof x === "number" && isFinite(x); }

    /* Delta_SS = Delta_FS + 2 lambda for (Stokes, eta): qdgain_core.lineshapes.solve_lattice and
       ensemble.geometry_for / biexciton_reorganization_mev. */
    function split(lattice, stokes, eta) {
        var fine, lam, lamXX;
        if (lattice.model === "gaussian") {
            fine = Math.min(eta * lattice.sigma_mev, stokes);
            lam = (stokes - fine) / 2;
            lamXX = lam;
        } else {
            var d = stokes - 2 * lattice.fixed_mev, lamDL = 0;
            fine = 0;
            if (d > 0) {
                var p = 4 * d + eta * eta * lattice.variance_per_lambda_mev;
                lamDL = (p - Math.sqrt(p * p - 16 * d * d)) / 8;
                fine = d - 2 * lamDL;
            }
            lam = lattice.fixed_mev + lamDL;
            lamXX = lattice.rho * (lam - lattice.homogeneous_mev) + lattice.homogeneous_mev;
        }
        return {fine: fine, lam: lam, lamXX: lamXX, stokes: fine + 2 * lam};
    }

    function logFactorial(n) {
        var total = 0;
        for (var k = 2; k <= n; k++) { total += Math.log(k); }
        return total;
    }

    /* P_N for N = 0..nMax: Poisson with the tail lumped into the last entry, or binomial over the pump's sites
       (qdgain_core.statistics.occupation_probabilities). */
    function occupation(spec, nAvg, nMax) {
        var probs = [], k, sum = 0;
        if (spec.kind === "binomial") {
            var q = Math.min(Math.max(nAvg / spec.sites, 0), 1);
            for (k = 0; k <= nMax; k++) {
                probs.push(k > spec.sites ? 0 : Math.exp(logFactorial(spec.sites) - logFactorial(k) -
                    logFactorial(spec.sites - k)) * Math.pow(q, k) * Math.pow(1 - q, spec.sites - k));
            }
            return probs;
        }
        for (k = 0; k < nMax; k++) {
            probs.push(k === 0 ? Math.exp(-nAvg) : Math.exp(k * Math.log(nAvg) - nAvg - logFactorial(k)));
            sum += probs[k];
        }
        probs.push(Math.max(1 - sum, 0));
        return probs;
    }

    /* (f0, f1, f2) at <n_1S(e)>, linear between the table's points (exact at the slider's positions). */
    function fractions(doping, nDoped) {
        var table = doping.fractions, x = Math.min(Math.max(nDoped, 0), 2) / doping.step;
        var i = Math.min(Math.floor(x), table.length - 2), t = x - i;
        return [0, 1, 2].map(function (j) { return table[i][j] * (1 - t) + table[i + 1][j] * t; });
    }

    function model(data, v) {
        var e = data.e_a_mev, s = split(data.lattice, v.stokes_mev, v.eta);
        var coefficients = data.coefficients, nMax = coefficients[0].length - 1;
        var probs = occupation(data.occupation, v.n_avg, nMax), f = fractions(data.doping, v.n_doped);
        var weights = {};
        data.processes.forEach(function (process, p) {
            var w = 0;
            for (var n = 0; n < 3; n++) {
                for (var k = 0; k <= nMax; k++) { w += f[n] * probs[k] * coefficients[n][k][p]; }
            }
            weights[process.name] = w;
        });
        return {
            fine_structure_mev: s.fine, reorganization_mev: s.lam, biexciton_reorganization_mev: s.lamXX,
            stokes_mev: s.stokes,
            energies: {absorption: e, se: e - s.stokes, esa: e - v.chi * s.stokes,
                       xx: e - s.stokes - v.xx_binding_mev, fine_structure_absorption: e - s.fine},
            weights: weights,
        };
    }

    /* A photon energy in the chosen unit ("2080 meV", "2.080 eV", "596.1 nm"). */
    function photon(data, energy, unit) {
        if (unit === "eV") { return (energy / 1000).toFixed(3) + "\u2009eV"; }
        if (unit === "nm") { return energy > 0 ? (data.planck_mev_nm / energy).toFixed(1) + "\u2009nm" : "\u2014"; }
        return energy.toFixed(1) + "\u2009meV";
    }

    function node(name, attrs, text) {
        var el = document.createElementNS(SVG_NS, name);
        Object.keys(attrs).forEach(function (key) { el.setAttribute(key, attrs[key]); });
        if (text !== undefined) { el.textContent = text; }
        return el;
    }

    /* A label with a subscript: label("X", "E") -> X_E. */
    function label(svg, x, y, main, sub, anchor) {
        var text = node("text", {x: x, y: y, "class": "level-label", "text-anchor": anchor || "start"}, main);
        if (sub) { text.appendChild(node("tspan", {"baseline-shift": "sub", "font-size": "9"}, sub)); }
        svg.appendChild(text);
    }

    function parabola(svg, x0, yMin, cls) {
        var points = [];
        for (var dx = -CUP_HALF_PX; dx <= CUP_HALF_PX; dx += 4) {
            points.push((x0 + dx).toFixed(1) + "," + (yMin - CURVE * dx * dx).toFixed(1));
        }
        svg.appendChild(node("polyline", {points: points.join(" "), "class": "level-surface " + cls}));
    }

    /* A vertical arrow from y0 to y1 at x whose shaft is `width` px thick; dashed and faint when absent. */
    function arrow(svg, name, x, y0, y1, width, color, weight, tag) {
        var group = node("g", {"class": "level-arrow", "data-process": name, "data-weight": weight.toPrecision(4),
                              "data-x": x.toFixed(2), "data-y0": y0.toFixed(2), "data-y1": y1.toFixed(2)});
        var down = y1 > y0, head = 5 + 1.1 * width, half = 3 + 0.8 * width;
        var tip = down ? y1 - head : y1 + head;
        if (Math.abs(y1 - y0) < head + 2) { tip = y0; }
        group.appendChild(node("line", {x1: x, y1: y0, x2: x, y2: tip, stroke: color, "stroke-width": width.toFixed(2),
                                        "stroke-dasharray": weight < ABSENT ? "3 3" : "none",
                                        opacity: weight < ABSENT ? 0.45 : 1}));
        group.appendChild(node("polygon", {points: [x - half, tip, x + half, tip, x, y1].join(" "), fill: color,
                                           opacity: weight < ABSENT ? 0.45 : 1}));
        group.appendChild(node("text", {x: x + half + 2, y: (y0 + y1) / 2 + 4, "class": "level-tag", fill: color}, tag));
        svg.appendChild(group);
    }

    function strokeOf(weight) {
        return Math.min(Math.max(STROKE_PER_WEIGHT * weight, HAIRLINE), MAX_STROKE);
    }

    function shiftPx(scale, lam) {
        return Math.min(Math.sqrt(Math.max(scale * lam, 0) / CURVE), MAX_SHIFT_PX);
    }

    function draw(container, data, v, unit) {
        var m = model(data, v), s = m.energies, lam = m.reorganization_mev, fine = m.fine_structure_mev;
        var lamXX = Math.max(m.biexciton_reorganization_mev, 0);
        /* floor offsets (meV): floor 0 from G's minimum, floor 1 from E_A, floor 2 from 2 E_A */
        var xeMin = -lam - fine;
        var xxMin = xeMin + lamXX + (s.xx - data.e_a_mev);
        var esaEnd = xeMin + (s.esa - data.e_a_mev);
        var spans = function (scale) {
            var top = CUP_PX / scale;
            return [[0, Math.max(top, lam)], [xeMin, Math.max(0, -lam + top, xeMin + lamXX)],
                    [Math.min(xxMin, esaEnd), Math.max(xxMin + top, esaEnd)]];
        };
        var scale = SCALES[SCALES.length - 1];
        for (var i = 0; i < SCALES.length; i++) {
            var total = spans(SCALES[i]).reduce(function (a, r) { return a + (r[1] - r[0]) * SCALES[i]; }, 0);
            if (total + 2 * GAP + PAD_TOP + PAD_BOTTOM <= HEIGHT) { scale = SCALES[i]; break; }
        }
        var floors = spans(scale), base = [], y = PAD_TOP;
        for (var f = 2; f >= 0; f--) {
            base[f] = y + floors[f][1] * scale;
            y = base[f] - floors[f][0] * scale + GAP;
        }
        var at = function (floor, offset) { return base[floor] - offset * scale; };
        var xX = X_G + shiftPx(scale, lam), xXX = xX + shiftPx(scale, lamXX);
        var colors = {};
        data.processes.forEach(function (p) { colors[p.name] = p.color; });

        var svg = node("svg", {viewBox: "0 0 " + WIDTH + " " + HEIGHT, role: "img", "class": "level-svg",
                               "aria-labelledby": "level-picture-title", "data-scale": scale});
        var words = "Energy levels at this operating point: absorption G to X_A at " + photon(data, s.absorption, unit) +
            ", stimulated emission X_E to G at " + photon(data, s.se, unit) + ", ESA into the biexciton at " +
            photon(data, s.esa, unit) + ", biexciton emission at " + photon(data, s.xx, unit) +
            "; fine structure " + fine.toFixed(2) + " meV, lattice reorganisation " + lam.toFixed(2) +
            " meV, Stokes shift " + m.stokes_mev.toFixed(2) + " meV; weights absorption " +
            m.weights.absorption.toFixed(3) + ", SE " + m.weights.se.toFixed(3) + ", ESA " +
            m.weights.esa.toFixed(3) + ", XX emission " + m.weights.xx.toFixed(3) + ".";
        svg.appendChild(node("title", {id: "level-picture-title"}, words));
        svg.setAttribute("aria-label", words);

        /* broken energy axis */
        var axisX = 16;
        for (f = 0; f < 3; f++) {
            var yTop = at(f, floors[f][1]), yBottom = at(f, floors[f][0]);
            svg.appendChild(node("line", {x1: axisX, y1: yTop - 4, x2: axisX, y2: yBottom + 4, "class": "level-axis"}));
            if (f < 2) {
                var yBreak = yTop - GAP / 2;
                svg.appendChild(node("path", {d: "M" + (axisX - 5) + "," + (yBreak + 3) + " l10,-4 M" + (axisX - 5) + "," +
                                             (yBreak + 7) + " l10,-4", "class": "level-axis"}));
            }
        }
        svg.appendChild(node("text", {x: axisX - 4, y: PAD_TOP - 3, "class": "level-label"}, "E"));

        parabola(svg, X_G, at(0, 0), "ground");
        parabola(svg, xX, at(1, -lam), "exciton-a");
        parabola(svg, xX, at(1, xeMin), "exciton-e");
        parabola(svg, xXX, at(2, xxMin), "biexciton");
        label(svg, X_G - CUP_HALF_PX - 2, at(0, 0) - 14, "G", "", "end");
        label(svg, xX + CUP_HALF_PX + 3, at(1, -lam) - CUP_PX + 4, "X", "A");
        label(svg, xX + CUP_HALF_PX + 3, at(1, xeMin) - CUP_PX + 16, "X", "E");
        label(svg, xXX + CUP_HALF_PX + 3, at(2, xxMin) - CUP_PX + 4, "XX", "");

        var bar = BARS.filter(function (b) { return b * scale >= 14; })[0] || BARS[BARS.length - 1];
        var barX = WIDTH - 14, barY = HEIGHT - PAD_BOTTOM;
        svg.appendChild(node("line", {x1: barX, y1: barY, x2: barX, y2: barY - bar * scale, "class": "level-bar"}));
        svg.appendChild(node("text", {x: barX - 4, y: barY - bar * scale / 2 + 3, "class": "level-small",
                                      "text-anchor": "end"}, bar + " meV"));

        var w = m.weights;
        arrow(svg, "absorption", X_G - 10, at(0, 0), at(1, 0), strokeOf(w.absorption), colors.absorption,
              w.absorption, "A");
        arrow(svg, "se", xX + 10, at(1, xeMin), at(0, lam), strokeOf(w.se), colors.se, w.se, "SE");
        arrow(svg, "esa", xX + 30, at(1, xeMin), at(2, esaEnd), strokeOf(w.esa), colors.esa, w.esa, "ESA");
        arrow(svg, "xx", xXX + 14, at(2, xxMin), at(1, xeMin + lamXX), strokeOf(w.xx), colors.xx, w.xx, "XX");
        svg.appendChild(node("line", {x1: xX, y1: at(1, xeMin), x2: xX + 34, y2: at(1, xeMin), "class": "level-leader"}));
        svg.appendChild(node("line", {x1: xX + 22, y1: at(2, esaEnd), x2: xX + 38, y2: at(2, esaEnd),
                                      "class": "level-leader esa-end"}));

        var rows = [["absorption", "absorption G\u2192X<sub>A</sub>", s.absorption],
                    ["se", "stimulated emission X<sub>E</sub>\u2192G", s.se],
                    ["esa", "ESA X\u2192XX (at E<sub>A</sub> \u2212 \u03c7\u0394<sub>SS</sub>)", s.esa],
                    ["xx", "XX emission XX\u2192X", s.xx]].map(function (r) {
            return "<tr data-process=\"" + r[0] + "\"><td><span class=\"level-swatch\" style=\"background:" +
                colors[r[0]] + ";height:" + Math.max(strokeOf(w[r[0]]), 2).toFixed(1) + "px\"></span>" + r[1] +
                "</td><td>" + photon(data, r[2], unit) + "</td><td>" + w[r[0]].toFixed(3) + "</td></tr>";
        });
        var legend = "<table class=\"level-table\"><thead><tr><th>process</th><th>photon</th><th>weight</th></tr>" +
            "</thead><tbody>" + rows.join("") + "</tbody></table><p class=\"level-split\">\u0394<sub>SS</sub> = " +
            "\u0394<sub>FS</sub> + 2\u03bb = " + fine.toFixed(2) + " + 2\u00d7" + lam.toFixed(2) + " = " +
            m.stokes_mev.toFixed(2) + " meV; \u03bb<sub>XX</sub> = " + lamXX.toFixed(2) + " meV</p>";

        var figure = document.createElement("div");
        figure.className = "level-figure";
        figure.appendChild(svg);
        var side = document.createElement("div");
        side.className = "level-legend";
        side.innerHTML = legend;
        container.replaceChildren(figure, side);
        return m;
    }

    /* The six main values the sliders show: the committed number inputs, with a dragged slider's live
       position on top (as callbacks/live.py overlays them) while the callback was triggered by a slider. */
    function liveValues(names, drags, numbers, sliders, bySlider) {
        var values = {};
        for (var i = 0; i < names.length; i++) {
            var spec = sliders[names[i]] || {step: 0, log: false}, number = numbers[i], drag = drags[i];
            var value = finite(number) ? number : (finite(drag) ? (spec.log ? Math.pow(10, drag) : drag) : null);
            if (bySlider && finite(drag) && finite(number) && (!spec.log || number > 0)) {
                var position = spec.log ? Math.log10(number) : number;
                if (Math.abs(drag - position) > spec.step / 2) { value = spec.log ? Math.pow(10, drag) : drag; }
            }
            if (value === null) { return null; }
            values[names[i]] = value;
        }
        return values;
    }

    var pending = null;  /* the latest picture waiting for its animation frame */
    window.qdgainLevels = {model: model, draw: draw, split: split, liveValues: liveValues};
    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        qdgain_levels: {
            /* Inputs (flat): the sliders' drag_value and the number inputs (each in data.fields order), the payload
               and the energy unit. Draws into the payload's container; no Dash output. */
            draw: function () {
                var args = Array.prototype.slice.call(arguments), unit = args.pop(), data = args.pop();
                var count = args.length / 2;
                var container = data && document.getElementById(data.container);
                if (!container) { return; }
                var triggered = (window.dash_clientside.callback_context.triggered || []).map(function (t) {
                    return t.prop_id;
                });
                var bySlider = triggered.some(function (id) { return id.indexOf("slider-") === 0; });
                var values = liveValues(data.fields, args.slice(0, count), args.slice(count), data.sliders, bySlider);
                if (!values) { return; }
                /* Drawn in the next animation frame, once per frame however many drag events arrive: the
                   renderer sends the spectra request first, and the SVG never delays it. */
                var first = pending === null;
                pending = {container: container, data: data, values: values, unit: unit || "meV"};
                if (first) {
                    window.requestAnimationFrame(function () {
                        var job = pending;
                        pending = null;
                        draw(job.container, job.data, job.values, job.unit);
                    });
                }
            },
        },
    });
})();
