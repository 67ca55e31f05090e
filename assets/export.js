/* qdgain: images of the panels, made in the browser (the server has no renderer).

   * downloadImage: a card's PNG or SVG button saves its graph at the export size.
   * renderImages: "Download all" renders every drawn graph as PNG and SVG for the zip; the server checks
     each one again (components/export.py checked_images) before it goes in.
   * cameraConfig: the plot toolbar's PNG and SVG buttons. They replace plotly's camera and save the graph
     at the export size, fonts and line widths included, like the card's buttons. Their click functions
     cannot travel as JSON, so this browser-side callback puts them into each graph's config (never sent to
     the server); the callback runs at page load and whenever the export size changes.

   An export style (EXPORT_STYLES in components/figures/common.py, handed over in the export-spec store)
   gives the figure's size in CSS pixels, the PNG's scale, the base font (every font is scaled by
   font_px / the page's 13 px, and the margins with it), the line widths and the marker sizes. The
   image is made from a copy of what the graph shows (zoom included); the graph itself is not touched.
   The journal styles lay the figure out at 100 CSS px per inch: their SVGs say their size in inches. */
(function () {
    "use strict";

    var busy = false;

    function isPlain(value) {
        return value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;
    }

    /* Plain objects and arrays copied; typed arrays (plotly's decoded data) and everything else shared. */
    function copy(value) {
        if (Array.isArray(value)) {
            return value.map(copy);
        }
        if (isPlain(value)) {
            var out = {};
            Object.keys(value).forEach(function (key) { out[key] = copy(value[key]); });
            return out;
        }
        return value;
    }

    function num(value, fallback) {
        return typeof value === "number" && isFinite(value) ? value : fallback;
    }

    function round(value) {
        return Math.round(value * 100) / 100;
    }

    function titled(title) {
        return typeof title === "string" ? {text: title} : Object.assign({}, title);
    }

    function fontSized(font, size) {
        return Object.assign({}, font, {size: round(size)});
    }

    function byIndex(items) {
        var out = {};
        (items || []).forEach(function (item, i) { out[num(item && item._index, i)] = item; });
        return out;
    }

    function styledLayout(gd, look, f) {
        var full = gd._fullLayout || {};
        var baseFont = num((full.font || {}).size, look.font_px / f);
        var layout = copy(gd.layout || {});
        var ls = look.line_scale;
        layout.width = look.width;
        layout.height = look.height;
        layout.autosize = false;
        layout.font = fontSized(layout.font, baseFont * f);
        layout.title = titled(layout.title);
        layout.title.font = fontSized(layout.title.font, look.title_px);
        layout.title.pad = Object.assign({}, layout.title.pad, {l: round(6 * f)});  /* off the image's edge */
        if (layout.title.subtitle && (full.title || {}).subtitle) {
            var subtitleFont = num(((full.title.subtitle || {}).font || {}).size, baseFont);
            layout.title.subtitle = Object.assign({}, layout.title.subtitle,
                                                  {font: fontSized(layout.title.subtitle.font, subtitleFont * f)});
        }
        var legend = Object.assign({}, layout.legend);
        var fullLegend = full.legend || {};
        legend.font = fontSized(legend.font, num((fullLegend.font || {}).size, baseFont) * f);
        if (typeof fullLegend.itemwidth === "number") {
            legend.itemwidth = Math.max(30, round(fullLegend.itemwidth * f));
        }
        /* a legend under the plot goes to the bottom of the figure, clear of the x axis's title at any
           font (the page puts it at a fraction of the plot's height) */
        if (fullLegend.orientation === "h" && num(fullLegend.y, 1) < 0) {
            legend.yref = "container";
            legend.y = 0;
            legend.yanchor = "bottom";
        }
        layout.legend = legend;
        var margin = full.margin || {};
        layout.margin = Object.assign({}, layout.margin);
        ["l", "r", "t", "b"].forEach(function (side) {
            if (typeof margin[side] === "number") {
                layout.margin[side] = round(margin[side] * f);
            }
        });
        Object.keys(full).filter(function (key) { return /^[xy]axis\d*$/.test(key); }).forEach(function (key) {
            var fullAxis = full[key] || {};
            var axis = Object.assign({}, layout[key]);
            axis.tickfont = fontSized(axis.tickfont, num((fullAxis.tickfont || {}).size, baseFont) * f);
            axis.title = titled(axis.title);
            axis.title.font = fontSized(axis.title.font, num(((fullAxis.title || {}).font || {}).size, baseFont) * f);
            if (typeof (fullAxis.title || {}).standoff === "number") {
                axis.title.standoff = round(fullAxis.title.standoff * f);
            }
            ["linewidth", "gridwidth", "zerolinewidth", "tickwidth"].forEach(function (name) {
                if (typeof fullAxis[name] === "number") {
                    axis[name] = round(fullAxis[name] * ls);
                }
            });
            if (typeof fullAxis.ticklen === "number") {
                axis.ticklen = round(fullAxis.ticklen * f);
            }
            axis.automargin = true;
            layout[key] = axis;
        });
        var annotations = byIndex(full.annotations);
        layout.annotations = (layout.annotations || []).map(function (annotation, i) {
            var out = Object.assign({}, annotation);
            out.font = fontSized(out.font, num(((annotations[i] || {}).font || {}).size, baseFont) * f);
            return out;
        });
        var shapes = byIndex(full.shapes);
        layout.shapes = (layout.shapes || []).map(function (shape, i) {
            var out = Object.assign({}, shape);
            var fullShape = shapes[i] || {};
            if (fullShape.line) {
                out.line = Object.assign({}, out.line, {width: round(num(fullShape.line.width, 1) * ls)});
            }
            if (out.label) {
                var labelFont = ((fullShape.label || {}).font || {}).size;
                out.label = Object.assign({}, out.label, {font: fontSized(out.label.font, num(labelFont, baseFont) * f)});
            }
            /* pixel-sized shapes (the stacked peak-label leaders) keep their rows apart at the new font */
            if (out.ysizemode === "pixel") {
                out.y0 = round(num(out.y0, 0) * f);
                out.y1 = round(num(out.y1, 0) * f);
            }
            if (out.xsizemode === "pixel") {
                out.x0 = round(num(out.x0, 0) * f);
                out.x1 = round(num(out.x1, 0) * f);
            }
            return out;
        });
        return {layout: layout, baseFont: baseFont};
    }

    function styledTrace(trace, fullTrace, look, f, baseFont) {
        var out = trace;
        var ls = look.line_scale;
        var ms = look.marker_scale;
        if (fullTrace.line && typeof fullTrace.line.width === "number") {
            out.line = Object.assign({}, out.line, {width: round(fullTrace.line.width * ls)});
        }
        if (fullTrace.marker) {
            var marker = Object.assign({}, out.marker);
            if (typeof fullTrace.marker.size === "number") {
                marker.size = round(fullTrace.marker.size * ms);
            }
            if (fullTrace.marker.line && typeof fullTrace.marker.line.width === "number") {
                marker.line = Object.assign({}, marker.line, {width: round(fullTrace.marker.line.width * ls)});
            }
            out.marker = marker;
        }
        if (fullTrace.textfont && typeof fullTrace.textfont.size === "number") {
            out.textfont = fontSized(out.textfont, fullTrace.textfont.size * f);
        }
        ["error_x", "error_y"].forEach(function (name) {
            var bar = fullTrace[name];
            if (bar && bar.visible) {
                out[name] = Object.assign({}, out[name], {thickness: round(num(bar.thickness, 2) * ls),
                                                          width: round(num(bar.width, 4) * ms)});
            }
        });
        if (fullTrace.colorbar && fullTrace.showscale !== false) {
            var bar = fullTrace.colorbar;
            var colorbar = Object.assign({}, out.colorbar);
            colorbar.thickness = round(num(bar.thickness, 30) * f);
            colorbar.tickfont = fontSized(colorbar.tickfont, num((bar.tickfont || {}).size, baseFont) * f);
            colorbar.title = titled(colorbar.title);
            colorbar.title.font = fontSized(colorbar.title.font, num(((bar.title || {}).font || {}).size, baseFont) * f);
            out.colorbar = colorbar;
        }
        return out;
    }

    /* {data, layout} of what ``gd`` shows, in the export style ``look``. */
    function styledFigure(gd, look, pageFont) {
        var f = look.font_px / pageFont;
        var styled = styledLayout(gd, look, f);
        var fullData = {};
        (gd._fullData || []).forEach(function (trace) { fullData[trace.index] = trace; });
        var data = copy(gd.data || []).map(function (trace, i) {
            return styledTrace(trace, fullData[i] || {}, look, f, styled.baseFont);
        });
        return {data: data, layout: styled.layout};
    }

    /* An SVG of a journal style says its size in inches (the viewBox keeps the CSS pixels). */
    function inInches(svg, look) {
        if (!look.px_per_inch) {
            return svg;
        }
        var doc = new DOMParser().parseFromString(svg, "image/svg+xml");
        var root = doc.documentElement;
        if (!root || root.nodeName !== "svg") {
            return svg;
        }
        if (!root.getAttribute("viewBox")) {
            root.setAttribute("viewBox", "0 0 " + look.width + " " + look.height);
        }
        root.setAttribute("width", look.width / look.px_per_inch + "in");
        root.setAttribute("height", look.height / look.px_per_inch + "in");
        return new XMLSerializer().serializeToString(doc);
    }

    /* PNG: base64 (no data: prefix); SVG: the document's text. */
    function render(gd, look, pageFont, format) {
        return Promise.resolve().then(function () {
            if (!window.Plotly || typeof window.Plotly.toImage !== "function") {
                throw new Error("plotly.js is not loaded");
            }
            var figure = styledFigure(gd, look, pageFont);
            return window.Plotly.toImage({data: figure.data, layout: figure.layout, config: {}}, {
                format: format, width: look.width, height: look.height, scale: format === "png" ? look.scale : 1,
                imageDataOnly: true,
            });
        }).then(function (image) {
            return format === "svg" ? inInches(image, look) : image;
        });
    }

    function graphDiv(panel) {
        var box = document.getElementById(panel.graph);
        var gd = box && box.getElementsByClassName("js-plotly-plot")[0];
        /* a graph still showing "computing…" (no traces) is not drawn yet */
        return gd && gd._fullLayout && gd.data && gd.data.length ? gd : null;
    }

    function styleOf(spec, style) {
        var names = Object.keys(spec.styles);
        var name = spec.styles[style] ? style : names[0];
        return {name: name, look: spec.styles[name]};
    }

    var toolbarStyle = null;
    /* a download arrow (plotly's icon format: a path in a 1000 x 1000 box, y up) */
    var DOWNLOAD_ICON = {width: 1000, height: 1000,
                         path: "M450 950h100v-450h150l-200-250-200 250h150zM100 150h800v-100h-800z",
                         transform: "matrix(1 0 0 -1 0 1000)"};

    /* Save ``format`` of a panel's drawn graph at the export style ``style`` (a card button, a toolbar button). */
    function saveGraph(spec, panel, gd, style, format) {
        var chosen = styleOf(spec, style);
        render(gd, chosen.look, spec.base_font_px, format).then(function (image) {
            save(panel.filename + "_" + chosen.name + "." + format, format, image);
        }).catch(function (error) {
            console.warn("qdgain: the " + format + " of " + panel.id + " could not be made", error);
        });
    }

    /* A toolbar button saving ``format`` of this panel's graph at the export size chosen when clicked. */
    function toolbarButton(spec, panel, format) {
        return {
            name: "qdgain-" + format,
            title: "Download " + format.toUpperCase() + " (the export size chosen under Export options)",
            icon: DOWNLOAD_ICON,
            click: function (gd) {
                saveGraph(spec, panel, gd, toolbarStyle, format);
            },
        };
    }

    function bytesOf(base64) {
        var text = atob(base64);
        var bytes = new Uint8Array(text.length);
        for (var i = 0; i < text.length; i += 1) {
            bytes[i] = text.charCodeAt(i);
        }
        return bytes;
    }

    function save(name, format, image) {
        var blob = format === "png" ? new Blob([bytesOf(image)], {type: "image/png"})
            : new Blob([image], {type: "image/svg+xml"});
        var url = URL.createObjectURL(blob);
        var link = document.createElement("a");
        link.href = url;
        link.download = name;
        link.style.display = "none";
        document.body.appendChild(link);
        link.click();
        setTimeout(function () {
            URL.revokeObjectURL(url);
            link.remove();
        }, 2000);
    }

    function utf8Bytes(text) {
        return new Blob([text]).size;
    }

    /* The export options close on a click elsewhere or Escape, like a menu. */
    document.addEventListener("click", function (event) {
        document.querySelectorAll("details.export-options[open]").forEach(function (box) {
            if (!box.contains(event.target)) {
                box.open = false;
            }
        });
    });
    document.addEventListener("keydown", function (event) {
        if (event.key !== "Escape") {
            return;
        }
        document.querySelectorAll("details.export-options[open]").forEach(function (box) {
            box.open = false;
            box.querySelector("summary").focus();
        });
    });

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        qdgain_export: {
            /* A card's PNG or SVG button: its graph at the export size, saved as qdgain_<panel>_<style>.<format>.
               Arguments: every button's n_clicks, then the export style and the export spec. */
            downloadImage: function () {
                var n = arguments.length;
                var style = arguments[n - 2];
                var spec = arguments[n - 1];
                var context = window.dash_clientside.callback_context;
                var button = spec && context && spec.buttons[context.triggered_id];
                if (!button) {
                    return;
                }
                var panel = spec.panels.filter(function (p) { return p.id === button[0]; })[0];
                var format = button[1];
                var gd = panel && graphDiv(panel);
                if (!gd) {
                    return;
                }
                saveGraph(spec, panel, gd, style, format);
            },

            /* Download all: PNG and SVG of every drawn graph, within the spec's limits, for the server's zip. */
            renderImages: function (clicks, style, spec) {
                var noUpdate = window.dash_clientside.no_update;
                if (!spec || busy) {
                    return noUpdate;
                }
                busy = true;
                document.body.classList.add("qdgain-exporting");
                var chosen = styleOf(spec, style);
                var limits = spec.limits;
                var images = [];
                var skipped = [];
                var total = 0;
                var chain = Promise.resolve();
                (spec.panels || []).forEach(function (panel) {
                    ["png", "svg"].forEach(function (format) {
                        chain = chain.then(function () {
                            var gd = graphDiv(panel);
                            if (!gd) {
                                return null;  /* the server lists it as not drawn */
                            }
                            if (images.length >= limits.count) {
                                skipped.push({panel: panel.id, format: format, reason: "too_large"});
                                return null;
                            }
                            return render(gd, chosen.look, spec.base_font_px, format).then(function (image) {
                                var bytes = format === "png" ? Math.floor(image.length * 3 / 4) : utf8Bytes(image);
                                var cap = format === "png" ? limits.png_bytes : limits.svg_bytes;
                                if (bytes > cap || total + bytes > limits.total_bytes) {
                                    skipped.push({panel: panel.id, format: format, reason: "too_large"});
                                    return;
                                }
                                total += bytes;
                                images.push({panel: panel.id, format: format, data: image});
                            }, function () {
                                skipped.push({panel: panel.id, format: format, reason: "render_failed"});
                            });
                        });
                    });
                });
                /* whatever happens, the server gets an answer and makes the zip (with the images so far) */
                return chain.catch(function (error) {
                    console.warn("qdgain: rendering the images for Download all stopped", error);
                }).then(function () {
                    return {request: clicks, style: chosen.name, images: images, skipped: skipped};
                }).finally(function () {
                    busy = false;
                    document.body.classList.remove("qdgain-exporting");
                });
            },

            /* The camera of every graph's toolbar: a PNG at the export size (fonts as on the page).
               Arguments: the export style, every graph's config, the export spec. */
            cameraConfig: function (style) {
                var n = arguments.length;
                var spec = arguments[n - 1];
                var configs = Array.prototype.slice.call(arguments, 1, n - 1);
                if (!spec || !spec.styles) {
                    return configs.map(function () { return window.dash_clientside.no_update; });
                }
                toolbarStyle = styleOf(spec, style).name;
                return spec.panels.map(function (panel, i) {
                    var config = Object.assign({}, configs[i]);
                    config.modeBarButtonsToAdd = [toolbarButton(spec, panel, "png"), toolbarButton(spec, panel, "svg")];
                    return config;
                });
            },
        },
    });
}());
