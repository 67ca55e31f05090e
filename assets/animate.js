/* qdgain: the animation player (components/page/animate_controls.py, components/callbacks/animate.py).

   The frames arrive once, from the animation job (components/animation.py compute_frames): per panel the
   distinct figures and each frame's index into them. Playing draws a frame with Plotly.react on the panels'
   graphs themselves, so no server call and no Dash update happen per frame; the next frame waits until the
   last one is drawn, so a slow figure slows the animation instead of piling up frames. "Dashboard figures"
   (or any new figure from the dashboard) ends the animation's hold on a graph. The export renders one panel's
   frames with Plotly.toImage (PNG, the spec's size, scale 1) and hands them to the server for the zip.

   For the tests, the container carries data-frames, data-frame (0-based), data-playing and data-drawn (frames
   drawn since the frames arrived), and window.qdgainAnimation.played lists the frames drawn by the last Play. */
(function () {
    "use strict";

    var player = {frames: null, request: null, spec: null, frame: 0, playing: false, timer: null, drawn: 0,
                  played: [], shown: {}, saved: {}, fps: 5, busy: false};
    window.qdgainAnimation = player;

    function el(tag, attrs, text) {
        var node = document.createElement(tag);
        Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
        if (text !== undefined) {
            node.textContent = text;
        }
        return node;
    }

    function box() {
        return player.spec && document.getElementById(player.spec.player);
    }

    function part(role) {
        var container = box();
        return container && container.querySelector("[data-role='" + role + "']");
    }

    function graphDiv(panel) {
        var holder = document.getElementById(panel.graph);
        var gd = holder && holder.getElementsByClassName("js-plotly-plot")[0];
        return gd && gd._fullLayout ? gd : null;
    }

    function count() {
        return player.frames ? player.frames.values.length : 0;
    }

    /* The figure of ``panelId`` at frame ``k`` (tests use it too). */
    player.figure = function (panelId, k) {
        var panel = (player.frames ? player.frames.panels : []).filter(function (p) { return p.id === panelId; })[0];
        return panel ? panel.figures[panel.index[k]] : null;
    };

    function mark() {
        var container = box();
        if (!container) {
            return;
        }
        container.dataset.frames = String(count());
        container.dataset.frame = String(player.frame);
        container.dataset.playing = String(player.playing);
        container.dataset.drawn = String(player.drawn);
        var slider = part("frame");
        if (slider) {
            slider.value = String(player.frame);
        }
        var value = part("value");
        if (value && player.frames) {
            value.textContent = player.frames.texts[player.frame] + "  (frame " + (player.frame + 1) + " of " +
                count() + ")";
        }
        var play = part("play");
        if (play) {
            play.textContent = player.playing ? "❚❚ Pause" : "▶ Play";
            play.setAttribute("aria-pressed", String(player.playing));
        }
    }

    /* Draw frame ``k`` on every animated graph that is on the page; resolves when all are drawn. */
    function show(k) {
        player.frame = k;
        var jobs = player.frames.panels.map(function (panel) {
            var gd = graphDiv(panel);
            var figure = panel.figures[panel.index[k]];
            if (!gd || !figure) {
                return null;
            }
            var own = player.shown[panel.id];
            if (own && gd.data !== own.data) {
                delete player.saved[panel.id];  /* the dashboard drew a new figure: that is the one to go back to */
            }
            if (own && gd.data === own.data && own.figure === figure) {
                return null;
            }
            if (!player.saved[panel.id]) {
                player.saved[panel.id] = {data: gd.data, layout: gd.layout};
            }
            return window.Plotly.react(gd, figure.data, figure.layout).then(function () {
                player.shown[panel.id] = {data: gd.data, figure: figure};
            });
        });
        return Promise.all(jobs).then(function () {
            player.drawn += 1;
            if (player.playing) {
                player.played.push(k);
            }
            mark();
        });
    }

    function stop() {
        player.playing = false;
        if (player.timer) {
            clearTimeout(player.timer);
            player.timer = null;
        }
        mark();
    }

    /* Draw frame ``k``, then (still playing) the next one, a frame period after this one started. */
    function step(k) {
        if (!player.playing) {
            return;
        }
        var started = performance.now();
        show(k).then(function () {
            if (!player.playing) {
                return;
            }
            if (k >= count() - 1) {
                stop();
                return;
            }
            var wait = Math.max(0, 1000 / player.fps - (performance.now() - started));
            player.timer = setTimeout(function () { step(k + 1); }, wait);
        });
    }

    /* Play from the frame shown (from the first at the end); pause when playing. */
    function play() {
        if (player.playing) {
            stop();
            return;
        }
        player.playing = true;
        player.played = [];
        mark();
        step(player.frame >= count() - 1 ? 0 : player.frame);
    }

    /* Give every graph back the figure the dashboard drew (unless the dashboard has drawn a new one since). */
    function restore() {
        stop();
        (player.frames ? player.frames.panels : []).forEach(function (panel) {
            var gd = graphDiv(panel);
            var saved = player.saved[panel.id];
            var own = player.shown[panel.id];
            if (gd && saved && own && gd.data === own.data) {
                window.Plotly.react(gd, saved.data, saved.layout);
            }
        });
        player.saved = {};
        player.shown = {};
    }

    function say(text) {
        var line = part("export-status");
        if (line) {
            line.textContent = text;
        }
    }

    function base64Bytes(image) {
        return Math.floor(image.length * 3 / 4);
    }

    /* Render every frame of one panel as PNG and send them to the server for the zip (within the spec's limits). */
    function exportFrames() {
        if (player.busy || !player.frames) {
            return;
        }
        var panelId = part("panel").value;
        var spec = player.spec;
        var images = [];
        var total = 0;
        player.busy = true;
        var chain = Promise.resolve();
        player.frames.values.forEach(function (value, k) {
            chain = chain.then(function () {
                var figure = player.figure(panelId, k);
                var layout = Object.assign({}, figure.layout, {width: spec.width, height: spec.height,
                                                               autosize: false});
                say("rendering frame " + (k + 1) + " of " + count() + "…");
                return window.Plotly.toImage({data: figure.data, layout: layout, config: {}}, {
                    format: "png", width: spec.width, height: spec.height, scale: 1, imageDataOnly: true,
                }).then(function (image) {
                    var bytes = base64Bytes(image);
                    total += bytes;
                    if (bytes > spec.png_bytes || total > spec.total_bytes) {
                        throw new Error("the frames take more than " + Math.round(spec.total_bytes / 1048576) +
                                        " MB, what the export allows: choose fewer frames");
                    }
                    images.push(image);
                });
            });
        });
        chain.then(function () {
            say("sending " + images.length + " frames (" + (total / 1048576).toFixed(1) + " MB)…");
            window.dash_clientside.set_props(spec.images, {data: {request: player.request, panel: panelId,
                                                                  images: images, at: Date.now()}});
        }).catch(function (error) {
            say("No zip: " + (error && error.message ? error.message : "the browser could not render a frame") + ".");
        }).finally(function () {
            player.busy = false;
        });
    }

    function build() {
        var container = box();
        if (!container) {
            return;
        }
        container.textContent = "";
        var n = count();
        var controls = el("div", {"class": "animate-controls"});
        var playButton = el("button", {"class": "button small", "data-role": "play", type: "button",
                                       title: "Play the frames (again from the start at the end); pause"});
        playButton.addEventListener("click", play);
        var speed = el("select", {"data-role": "fps", "aria-label": "Speed (frames per second)",
                                  title: "Speed: frames per second (a frame waits until the last one is drawn)"});
        [1, 2, 5, 10, 20].forEach(function (fps) {
            var option = el("option", {value: String(fps)}, fps + " frames/s");
            if (fps === player.fps) {
                option.selected = true;
            }
            speed.appendChild(option);
        });
        speed.addEventListener("change", function () { player.fps = Number(speed.value) || 5; });
        var slider = el("input", {type: "range", min: "0", max: String(n - 1), step: "1", value: "0",
                                  "data-role": "frame", "class": "animate-slider", "aria-label": "Frame"});
        slider.addEventListener("input", function () {
            var k = Number(slider.value);  /* read first: stopping puts the shown frame back on the slider */
            stop();
            show(k);
        });
        var value = el("span", {"data-role": "value", "class": "animate-value", "aria-live": "polite"});
        var back = el("button", {"class": "button small", "data-role": "restore", type: "button",
                                 title: "Stop and show the dashboard's own figures again"}, "Dashboard figures");
        back.addEventListener("click", restore);
        controls.append(playButton, speed, slider, value, back);
        var exportRow = el("div", {"class": "animate-export"});
        var panels = el("select", {"data-role": "panel", "aria-label": "Figure to export"});
        player.frames.panels.forEach(function (panel) {
            panels.appendChild(el("option", {value: panel.id}, panel.title));
        });
        var exportButton = el("button", {"class": "button small", "data-role": "export", type: "button",
                                         title: "A zip with one PNG per frame of the chosen figure (" +
                                                player.spec.width + " x " + player.spec.height + " px)"},
                              "PNG frames (zip)");
        exportButton.addEventListener("click", exportFrames);
        exportRow.append(el("span", {}, "Export"), panels, exportButton,
                         el("span", {"data-role": "export-status", "class": "animate-export-status",
                                     role: "status"}));
        container.append(controls, exportRow);
    }

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        qdgain_animate: {
            /* The animation job's request: the committed state, the parameter and the frames (pattern-matching
               inputs: absent until the bar is opened), and the open tab. */
            animateRequest: function (store, values, tab, spec) {
                var choices = {};
                var listed = ((window.dash_clientside.callback_context.inputs_list || [])[1]) || [];
                listed.forEach(function (item) { choices[item.id.choice] = item.value; });
                var parameter = choices.parameter;
                var frames = choices.frames;
                if (!store || !store.params || !parameter || !tab || !spec) {
                    return window.dash_clientside.no_update;
                }
                var n = Math.round(Number(frames));
                n = isFinite(n) ? Math.min(Math.max(n, spec.frames[0]), spec.frames[1]) : spec.default_frames;
                var view = store.view || {};
                return {kind: "animation", request: {
                    params: store.params, parameter: parameter, frames: n, tab: tab,
                    view: {energy_unit: view.energy_unit || null, hold: view.hold || null,
                           map_points: view.map_points, figure: view.figure || null},
                }};
            },
            /* New frames from the job: build the player and show the first frame. */
            load: function (stored, spec) {
                if (!stored || !stored.result || !stored.result.panels || !spec) {
                    return;
                }
                restore();
                player.spec = spec;
                player.frames = stored.result;
                player.request = stored.request;
                player.frame = 0;
                player.drawn = 0;
                player.played = [];
                build();
                show(0);
            },
        },
    });
}());
