/* qdgain: small browser-side helpers (loaded by Dash from assets/). */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    qdgain: {
        /* Mirror the committed state into the address bar without reloading. Each new committed state is a
           browser-history entry (Back/Forward and the Undo/Redo buttons step through them); the first state of
           a visit, and a state reached through Back/Forward, replace the current entry instead. */
        writeQuery: function (data) {
            if (!data || typeof data.query !== "string") {
                return;
            }
            var target = window.location.pathname + data.query + window.location.hash;
            var current = window.location.pathname + window.location.search + window.location.hash;
            var steps = window.qdgainHistory;
            if (target === current) {
                if (!steps.written) {  /* stamp the visit's first entry, so Back to it is recognised */
                    window.history.replaceState({qdgainIndex: steps.index}, "", target);
                }
                steps.written = true;
                steps.update();
                return;
            }
            if (!steps.written) {
                steps.written = true;
                window.history.replaceState({qdgainIndex: steps.index}, "", target);
            } else {
                steps.index += 1;
                steps.top = steps.index;
                window.history.pushState({qdgainIndex: steps.index}, "", target);
            }
            steps.update();
        },
        /* Open the tab named by the URL hash (#ase, #about); anything else leaves the tabs alone. */
        tabsFromHash: function (hash, names) {
            var noUpdate = window.dash_clientside.no_update;
            var name = (hash || "").replace(/^#/, "");
            if (!names || !name) {
                return [noUpdate, noUpdate];
            }
            if (name === names.about || name === names.gallery || name === names.data || name === names.dashboard) {
                return [name, noUpdate];
            }
            if (names.panels.indexOf(name) >= 0) {
                return [names.dashboard, name];
            }
            if (name === names.learn || name === names.teach || name.indexOf(names.glossary) === 0) {
                /* #learn, #teach, #glossary-<term>: the Learn view (left alone when open, keeping its answers) */
                if (name.indexOf(names.glossary) === 0) {
                    window.qdgainScrollToEntry(name);
                }
                var learn = document.getElementById("learn-view");
                return [learn && !learn.hidden ? noUpdate : names.learn, noUpdate];
            }
            return [noUpdate, noUpdate];
        },
        /* Mirror the open tab into the URL hash (no reload, no history entry). */
        writeHash: function (outer, inner, names) {
            if (!names || !outer) {
                return;
            }
            var own = outer === names.about || outer === names.gallery || outer === names.data || outer === names.learn;
            var hash = own ? "#" + outer : (inner ? "#" + inner : "");
            var learnHash = window.location.hash.replace(/^#/, "");
            if (outer === names.learn && (learnHash === names.teach || learnHash.indexOf(names.glossary) === 0)) {
                hash = window.location.hash;  /* the teacher's page or a glossary entry stays in the link */
            }
            if (hash !== window.location.hash) {
                window.history.replaceState(window.history.state, "",
                    window.location.pathname + window.location.search + hash);
            }
        },
        /* The one input rule (components/control_values.py, mirrored there and tested against it): a number
           outside the range is clamped to the nearest limit, an empty box or a non-number keeps the last valid
           value (an optional field is switched off when emptied); the message names the field, the value typed
           and the range. Returns {value, message}. */
        checkNumber: function (rule, typed, lastValid) {
            var shown = window.qdgainFormat;
            var number = typeof typed === "number" ? typed
                : (typeof typed === "string" && typed.trim() !== "" && isFinite(Number(typed)) ? Number(typed) : null);
            if (number === null || !isFinite(number)) {
                var blank = typed === null || typed === undefined || (typeof typed === "number" && isNaN(typed)) ||
                    (typeof typed === "string" && typed.trim() === "");
                if (rule.optional && blank) {
                    return {value: null, message: ""};
                }
                var what = blank ? "the box is empty"
                    : "\u201c" + shown(typed) + "\u201d is not a number";
                var kept = (lastValid === null || lastValid === undefined) ? "off" : shown(lastValid);
                return {value: lastValid, message: rule.label + ": " + what + "; kept " + kept +
                        " (allowed " + rule.range + ")."};
            }
            var used = Math.min(Math.max(number, rule.min), rule.max);
            if (rule.integer) {
                used = Math.floor(used + 0.5);
            }
            if (used === number) {
                return {value: number, message: ""};
            }
            if (number > rule.max || number < rule.min) {
                return {value: used, message: rule.label + ": " + shown(typed) + " is " +
                        (number > rule.max ? "above" : "below") + " the allowed range " + rule.range +
                        "; set to " + shown(used) + "."};
            }
            return {value: used, message: rule.label + ": " + shown(typed) + " is not a whole number; set to " +
                    shown(used) + " (allowed " + rule.range + ")."};
        },
        /* Keep a main field's slider and number input in step (slider positions are log10 for log fields),
           apply the input rule to a typed value, and show or clear the field's message. */
        syncSlider: function (position, value, applied, dismissed, specs, rules, store, shownMessage) {
            var noUpdate = window.dash_clientside.no_update;
            /* the message is sent only when it changes: every property update costs the renderer */
            var say = function (text) { return text === (shownMessage || "") ? noUpdate : text; };
            var context = window.dash_clientside.callback_context;
            var triggered = (context.triggered || []).map(function (t) { return t.prop_id; });
            var field = String(((context.inputs_list || [])[0] || {}).id || "").replace(/^slider-/, "");
            var spec = specs && specs[field];
            var rule = rules && rules[field];
            if (!spec || !rule || triggered.length < 1) {
                return [noUpdate, noUpdate, noUpdate];
            }
            var clamp = function (x, lo, hi) { return Math.min(Math.max(x, lo), hi); };
            var toPosition = function (x) {
                return clamp(spec.log ? Math.log10(Math.max(x, 1e-300)) : x, spec.position_min, spec.position_max);
            };
            var fromPosition = function (p) {
                return Number((spec.log ? Math.pow(10, p) : p).toPrecision(4));
            };
            if (triggered.indexOf("applied-main-values.data") >= 0) {
                var loaded = applied && applied[field];
                if (typeof loaded !== "number" || !isFinite(loaded) || (spec.log && loaded <= 0)) {
                    return [noUpdate, noUpdate, noUpdate];
                }
                return [toPosition(loaded), loaded, say("")];
            }
            if (triggered.length !== 1) {
                return [noUpdate, noUpdate, noUpdate];
            }
            if (triggered[0].indexOf("message-") === 0) {
                return [noUpdate, noUpdate, say("")];
            }
            if (triggered[0].indexOf("slider-") === 0) {
                if (typeof position !== "number" || !isFinite(position)) {
                    return [noUpdate, noUpdate, noUpdate];
                }
                return [noUpdate, clamp(fromPosition(position), rule.min, rule.max), say("")];
            }
            var committed = store && store.params && store.params[field];
            var last = typeof committed === "number" && isFinite(committed) ? committed
                : (typeof position === "number" && isFinite(position) ? fromPosition(position) : null);
            var checked = window.dash_clientside.qdgain.checkNumber(rule, value, last);
            window.qdgainRevealMessage(field, checked.message);
            if (typeof checked.value !== "number" || (spec.log && checked.value <= 0)) {
                return [noUpdate, noUpdate, say(checked.message)];
            }
            return [toPosition(checked.value), checked.value === value ? noUpdate : checked.value,
                    say(checked.message)];
        },
        /* The input rule for a number box without a slider (advanced fields, map resolution): the box shows the
           value in use, the message says what was changed. The last valid value is the committed one. */
        checkField: function (value, dismissed, rules, store, shownMessage) {
            var noUpdate = window.dash_clientside.no_update;
            var say = function (text) { return text === (shownMessage || "") ? noUpdate : text; };
            var context = window.dash_clientside.callback_context;
            var triggered = (context.triggered || []).map(function (t) { return t.prop_id; });
            var input = ((context.inputs_list || [])[0] || {}).id || "";
            var field = String(input).replace(/^advanced-/, "").replace(/^map-points$/, "map_points");
            var rule = rules && rules[field];
            if (!rule || triggered.length !== 1) {
                return [noUpdate, noUpdate];
            }
            if (triggered[0].indexOf("message-") === 0) {
                return [noUpdate, say("")];
            }
            var held = store && (field === "map_points" ? store.view : store.params);
            var last = held && field in held ? held[field] : null;
            var checked = window.dash_clientside.qdgain.checkNumber(rule, value, last);
            window.qdgainRevealMessage(field, checked.message);
            var same = checked.value === value || (checked.value === null && (value === null || value === ""));
            return [same ? noUpdate : checked.value, say(checked.message)];
        },
        /* A notice list hides when emptied or dismissed, and shows again for a new notice. */
        showNotices: function (children, dismissed) {
            var context = window.dash_clientside.callback_context;
            var triggered = (context.triggered || []).map(function (t) { return t.prop_id; });
            if (triggered.some(function (t) { return t.indexOf("dismiss-") === 0; })) {
                return true;
            }
            return !children || (Array.isArray(children) && children.length === 0);
        },
        /* Hand the committed control values to the open figure tab only, and only when they differ from
           what it has drawn (its drawn store); hidden tabs draw when they are opened.
           Arguments: the main number inputs (spec.fields order), revision, map resolution, what the
           maps hold along eta, energy unit, paper figure, pins, inner tab, view, then the drawn stores
           (spec.panels order) and the tab names. */
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
            var commit = {numbers: numbers, revision: revision, map_points: args[count + 1], hold: args[count + 2],
                view: {energy_unit: args[count + 3] || null, figure: args[count + 4] || null,
                       pins: args[count + 5] && args[count + 5].length ? args[count + 5] : null}};
            var innerTab = args[count + 6];
            var view = args[count + 7];
            var drawn = args.slice(count + 8, count + 8 + spec.panels.length);
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
        /* Show the dashboard, Learn, the Paper figures, Your data or the About page (the others are hidden, not removed). */
        showView: function (view, names) {
            var about = !!names && view === names.about;
            var gallery = !!names && view === names.gallery;
            var data = !!names && view === names.data;
            var learn = !!names && view === names.learn;
            return [about || gallery || data || learn, !about, !gallery, !data, !learn];
        },
        /* "Stop comparing": no paper figure is drawn any more (the parameters stay). */
        clearFigure: function (clicks) {
            return clicks ? null : window.dash_clientside.no_update;
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

/* A new input-rule message is scrolled into view (the control column scrolls on its own; the box's
   message could sit below its edge). */
window.qdgainRevealMessage = function (field, message) {
    if (!message) {
        return;
    }
    window.setTimeout(function () {
        var element = document.getElementById("message-" + field);
        if (element && element.scrollIntoView) {
            element.scrollIntoView({block: "nearest"});
        }
    }, 60);
};

/* Numbers in messages as Python's format(x, ".6g") writes them (components/control_values.py). */
window.qdgainFormat = function (value) {
    if (typeof value !== "number") {
        var text = String(value);
        return text.length <= 24 ? text : text.slice(0, 24) + "\u2026";
    }
    if (value === 0) {
        return "0";
    }
    var exponent = Math.floor(Math.log10(Math.abs(Number(value.toPrecision(6)))));
    if (exponent < -4 || exponent >= 6) {
        var parts = value.toExponential(5).split("e");
        var mantissa = parts[0].indexOf(".") >= 0 ? parts[0].replace(/0+$/, "").replace(/\.$/, "") : parts[0];
        var power = Number(parts[1]);
        return mantissa + "e" + (power < 0 ? "-" : "+") + (Math.abs(power) < 10 ? "0" : "") + Math.abs(power);
    }
    var fixed = value.toFixed(Math.max(0, 5 - exponent));
    return fixed.indexOf(".") >= 0 ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
};

/* Browser history of committed states: Undo/Redo buttons step through it like Back/Forward, and are
   disabled at either end of this visit's entries (Back never leaves the app through them). */
window.qdgainHistory = (function () {
    var start = window.history.state && typeof window.history.state.qdgainIndex === "number"
        ? window.history.state.qdgainIndex : 0;
    var steps = {index: start, top: start, written: false};
    steps.update = function () {
        var undo = document.getElementById("undo"), redo = document.getElementById("redo");
        if (undo) { undo.disabled = steps.index <= 0; }
        if (redo) { redo.disabled = steps.index >= steps.top; }
    };
    window.addEventListener("popstate", function (event) {
        if (event.state && typeof event.state.qdgainIndex === "number") {
            steps.index = event.state.qdgainIndex;
        }
        steps.update();
        /* dcc.Location only reports a search that differs from the one it last saw (pushState above is
           not reported to it), so the state callback hears of every step here, the first entry included. */
        if (window.dash_clientside && window.dash_clientside.set_props) {
            window.dash_clientside.set_props("history-search",
                {data: {search: window.location.search, step: steps.index, at: Date.now()}});
        }
    });
    document.addEventListener("click", function (event) {
        var button = event.target && event.target.closest && event.target.closest("#undo, #redo");
        if (!button || button.disabled) {
            return;
        }
        if (button.id === "undo" && steps.index > 0) {
            window.history.back();
        } else if (button.id === "redo" && steps.index < steps.top) {
            window.history.forward();
        }
    });
    return steps;
}());

/* The Learn view (components/callbacks/learn.py): the teacher's page or the lessons, the "Start here" strip, and
   the banner on the dashboard that names the open lesson step and points at its panel. */
window.dash_clientside.qdgain_learn = {
    /* "teach" for #teach, "learn" for #learn or a glossary entry; leaving the view goes back to the lessons. */
    learnMode: function (hash, view, current, names) {
        var noUpdate = window.dash_clientside.no_update;
        var name = (hash || "").replace(/^#/, "");
        var mode = current || "learn";
        if (names && view !== names.learn) {
            mode = "learn";
        }
        if (names && name === names.teach) {
            mode = "teach";
        } else if (names && (name === names.learn || name.indexOf(names.glossary) === 0)) {
            mode = "learn";
        }
        return mode === current ? noUpdate : mode;
    },
    /* Shown on a visit whose link carries no state until dismissed; the × is remembered in localStorage. */
    startHere: function (clicks) {
        var key = "qdgain-start-here-dismissed";
        try {
            if (clicks) {
                window.localStorage.setItem(key, "1");
                return true;
            }
            return window.localStorage.getItem(key) === "1" || window.location.search.length > 1;
        } catch (error) {  /* storage blocked: show it, dismiss it for this page only */
            return !!clicks || window.location.search.length > 1;
        }
    },
    /* The first move: <N> to the button's data-n-avg (no gain yet with the built-in dots), its slider pointed at. */
    raiseExcitation: function (clicks) {
        var button = document.getElementById("start-here-raise");
        if (!clicks || !button) {
            return window.dash_clientside.no_update;
        }
        window.qdgainPointAt(document.querySelector('.main-control[data-field="n_avg"]'), "start-focus", true);
        return Number(button.getAttribute("data-n-avg"));
    },
    /* On the dashboard: the open lesson step (title, panel, what to watch) with links to its state and back to
       its question, and the step's panel card highlighted and scrolled to (once per step). In the Learn view: a
       new step is scrolled into view. Arguments: lesson store, view, figure tab, × clicks, summary, names. */
    lessonBanner: function (lesson, view, tab, closeClicks, summary, names) {
        var noUpdate = window.dash_clientside.no_update;
        var triggered = (window.dash_clientside.callback_context.triggered || []).map(function (t) {
            return t.prop_id;
        });
        var entry = lesson && lesson.lesson && summary && summary[lesson.lesson];
        document.querySelectorAll(".lesson-focus").forEach(function (card) { card.classList.remove("lesson-focus"); });
        if (!entry || !names) {
            return [true, "", "#learn"];
        }
        var count = entry.steps.length;
        var number = typeof lesson.step === "number" && lesson.step >= 1 && lesson.step <= count ? lesson.step : 1;
        var step = entry.steps[number - 1];
        var key = lesson.lesson + ":" + number;
        if (triggered.indexOf("lesson-banner-close.n_clicks") >= 0 && closeClicks) {
            window.qdgainLessonClosed = key;
        }
        if (view === names.learn && triggered.indexOf("lesson-store.data") >= 0) {
            window.setTimeout(function () {
                var shown = document.getElementById("learn-step");
                if (shown && shown.getBoundingClientRect().top < 0) {
                    shown.scrollIntoView({block: "start"});
                }
            }, 300);
        }
        if (view !== names.dashboard) {
            return [true, noUpdate, noUpdate];
        }
        var first = window.qdgainLessonScrolled !== key;
        window.qdgainLessonScrolled = key;
        window.qdgainPointAt(function () {
            var graph = document.getElementById("graph-" + step.panel);
            return graph && graph.offsetParent !== null ? graph.closest(".card") : null;
        }, "lesson-focus", first);
        var title = /[.?!]$/.test(step.title) ? step.title : step.title + ".";
        var text = "Lesson " + entry.order + ", step " + number + " of " + count + ": " + title +
            " Look at \u201c" + step.panel_title + "\u201d: " + step.watch;
        return [window.qdgainLessonClosed === key, text, step.link];
    }
};

/* Mark an element (or what a function finds, polled for up to 10 s while its tab mounts) with a class and, if
   asked, scroll it to the middle of the screen. */
window.qdgainPointAt = function (target, className, scroll) {
    var started = Date.now();
    var attempt = function () {
        var element = typeof target === "function" ? target() : target;
        if (!element) {
            if (Date.now() - started < 10000) {
                window.setTimeout(attempt, 150);
            }
            return;
        }
        element.classList.add(className);
        if (scroll && element.scrollIntoView) {
            element.scrollIntoView({block: "center"});
        }
    };
    attempt();
};

/* A glossary link: the entry is scrolled to and flashed once the Learn view has drawn it. */
window.qdgainScrollToEntry = function (id) {
    document.querySelectorAll(".glossary-flash").forEach(function (entry) { entry.classList.remove("glossary-flash"); });
    window.qdgainPointAt(function () { return document.getElementById(id); }, "glossary-flash", true);
};
