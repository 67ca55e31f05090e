/* qdgain: small browser-side helpers (loaded by Dash from assets/). */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    qdgain: {
        /* Mirror the committed state into the address bar without reloading or adding history. */
        writeQuery: function (data) {
            if (data && typeof data.query === "string") {
                var target = window.location.pathname + data.query + window.location.hash;
                var current = window.location.pathname + window.location.search + window.location.hash;
                if (target !== current) {
                    window.history.replaceState(window.history.state, "", target);
                }
            }
        },
        /* Open the tab named by the URL hash (#ase, #about); anything else leaves the tabs alone. */
        tabsFromHash: function (hash, names) {
            var noUpdate = window.dash_clientside.no_update;
            var name = (hash || "").replace(/^#/, "");
            if (!names || !name) {
                return [noUpdate, noUpdate];
            }
            if (name === names.about) {
                return [names.about, noUpdate];
            }
            if (names.panels.indexOf(name) >= 0) {
                return [names.dashboard, name];
            }
            return [noUpdate, noUpdate];
        },
        /* Mirror the open tab into the URL hash (no reload, no history entry). */
        writeHash: function (outer, inner, names) {
            if (!names || !outer) {
                return;
            }
            var hash = outer === names.about ? "#" + names.about : (inner ? "#" + inner : "");
            if (hash !== window.location.hash) {
                window.history.replaceState(window.history.state, "",
                    window.location.pathname + window.location.search + hash);
            }
        },
        /* Keep a main field's slider and number input in step (slider positions are log10 for log fields).
           A typed value is clamped to the field's range; the server validates again. */
        syncSlider: function (position, value, applied, specs) {
            var noUpdate = window.dash_clientside.no_update;
            var context = window.dash_clientside.callback_context;
            var triggered = (context.triggered || []).map(function (t) { return t.prop_id; });
            var field = String(((context.inputs_list || [])[0] || {}).id || "").replace(/^slider-/, "");
            var spec = specs && specs[field];
            if (!spec || triggered.length < 1) {
                return [noUpdate, noUpdate];
            }
            var clamp = function (x, lo, hi) { return Math.min(Math.max(x, lo), hi); };
            var toPosition = function (x) {
                return clamp(spec.log ? Math.log10(x) : x, spec.position_min, spec.position_max);
            };
            if (triggered.indexOf("applied-main-values.data") >= 0) {
                var loaded = applied && applied[field];
                if (typeof loaded !== "number" || !isFinite(loaded) || (spec.log && loaded <= 0)) {
                    return [noUpdate, noUpdate];
                }
                return [toPosition(loaded), loaded];
            }
            if (triggered.length !== 1) {
                return [noUpdate, noUpdate];
            }
            if (triggered[0].indexOf("slider-") === 0) {
                if (typeof position !== "number" || !isFinite(position)) {
                    return [noUpdate, noUpdate];
                }
                var shown = spec.log ? Math.pow(10, position) : position;
                return [noUpdate, Number(clamp(shown, spec.min, spec.max).toPrecision(4))];
            }
            if (typeof value !== "number" || !isFinite(value) || (spec.log && value <= 0)) {
                /* an emptied or unusable box shows the slider's value again */
                if (typeof position !== "number" || !isFinite(position)) {
                    return [noUpdate, noUpdate];
                }
                return [noUpdate, Number((spec.log ? Math.pow(10, position) : position).toPrecision(4))];
            }
            var used = clamp(value, spec.min, spec.max);
            return [toPosition(used), used === value ? noUpdate : used];
        },
        /* Hand the committed control values to the open figure tab only, and only when they differ from
           what it has drawn (its drawn store); hidden tabs draw when they are opened.
           Arguments: the main number inputs (spec.fields order), revision, map resolution, what the
           maps hold along eta, inner tab, view, then the drawn stores (spec.panels order) and the tab names. */
        gateTabs: function () {
            var noUpdate = window.dash_clientside.no_update;
            var args = Array.prototype.slice.call(arguments);
            var spec = args[args.length - 1];
            var outputs = (window.dash_clientside.callback_context.outputs_list || []).length;
            if (!spec || !spec.fields || !spec.panels || spec.panels.length !== outputs) {
                return Array.apply(null, Array(outputs)).map(function () { return noUpdate; });
            }
            var count = spec.fields.length;
            var numbers = {};
            spec.fields.forEach(function (name, i) { numbers[name] = args[i]; });
            var revision = args[count];
            var commit = {numbers: numbers, revision: revision, map_points: args[count + 1], hold: args[count + 2]};
            var innerTab = args[count + 3];
            var view = args[count + 4];
            var drawn = args.slice(count + 5, count + 5 + spec.panels.length);
            /* key order must not matter: the drawn store comes back through the server */
            var canonical = function (value) {
                return JSON.stringify(value, function (key, v) {
                    if (v && typeof v === "object" && !Array.isArray(v)) {
                        return Object.keys(v).sort().reduce(function (o, k) { o[k] = v[k]; return o; }, {});
                    }
                    return v;
                });
            };
            var text = canonical(commit);
            return spec.panels.map(function (tab, i) {
                var open = revision !== null && revision !== undefined && view === spec.dashboard && innerTab === tab;
                return open && canonical(drawn[i]) !== text ? commit : noUpdate;
            });
        },
        /* Show the dashboard or the About page (the other one is hidden, not removed). */
        showView: function (view, names) {
            var about = !!names && view === names.about;
            return [about, !about];
        },
        /* The link the "Copy link" button puts on the clipboard. */
        currentLink: function () {
            return window.location.href;
        }
    }
});

/* Slider tooltips of log10 sliders show the value, not its logarithm. */
window.dccFunctions = window.dccFunctions || {};
window.dccFunctions.qdgainPow10 = function (position) {
    return Number(Math.pow(10, position).toPrecision(3));
};
