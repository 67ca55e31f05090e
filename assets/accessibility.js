/* qdgain: keyboard access and accessible names the Dash components do not provide themselves.
 *
 * - Sliders: each main field's slider thumb (role="slider") gets aria-label = the field's plain-text
 *   label and aria-valuetext = its value in real units ("η = 0.302", "Δ_SS = 25 meV"): log sliders
 *   hold log10(value), so aria-valuenow alone would announce the logarithm. The field's label,
 *   symbol, unit, scale and decimals come from data attributes on its control (page/controls.py,
 *   slider_data) and the text follows aria-valuenow as the slider moves.
 * - Tabs (dcc.Tabs, plain divs): role="tablist"/"tab"/"tabpanel", aria-selected, focusable; Enter or
 *   Space opens a tab, Left/Right/Home/End move the focus between the tabs of one list.
 * - "Copy link" (dcc.Clipboard, a div): role="button", focusable, Enter or Space copies.
 *
 * Dash re-renders these components at will: observers on the slider thumbs and tab lists (found
 * by a scan twice a second) re-apply the attributes, and key presses are handled by one listener
 * on document.
 */
(function () {
    "use strict";

    var TAB_LISTS = {"panel-tabs": "Figure groups", "control-tabs": "Control groups"};
    var MINUS = "\u2212";
    var WATCH_INTERVAL_MS = 500;

    function formatValue(value, control) {
        var text;
        if (control.dataset.log === "true") {
            text = String(Number(value.toPrecision(3)));
        } else {
            var decimals = parseInt(control.dataset.decimals || "2", 10);
            text = String(Number(value.toFixed(isFinite(decimals) ? decimals : 2)));
        }
        return text.replace("-", MINUS);
    }

    /* "η = 0.302", "Δ_SS = 25 meV" for the slider position of a main field's control. */
    function valueText(control, position) {
        if (!isFinite(position)) {
            return "";
        }
        var value = control.dataset.log === "true" ? Math.pow(10, position) : position;
        var unit = control.dataset.unit ? " " + control.dataset.unit : "";
        return (control.dataset.symbol || control.dataset.label) + " = " + formatValue(value, control) + unit;
    }

    function nameSlider(thumb) {
        var control = thumb.closest(".main-control[data-field]");
        if (!control) {
            return;
        }
        if (thumb.getAttribute("aria-label") !== control.dataset.label) {
            thumb.setAttribute("aria-label", control.dataset.label);
        }
        var text = valueText(control, parseFloat(thumb.getAttribute("aria-valuenow")));
        if (text && thumb.getAttribute("aria-valuetext") !== text) {
            thumb.setAttribute("aria-valuetext", text);
        }
    }

    function setAttr(element, name, value) {
        if (element.getAttribute(name) !== value) {
            element.setAttribute(name, value);
        }
    }

    function markTabs(list) {
        setAttr(list, "role", "tablist");
        if (TAB_LISTS[list.id]) {
            setAttr(list, "aria-label", TAB_LISTS[list.id]);
        }
        var selectedId = null;
        Array.prototype.forEach.call(list.children, function (tab) {
            if (!tab.classList.contains("tab")) {
                return;
            }
            var selected = tab.classList.contains("tab--selected");
            setAttr(tab, "role", "tab");
            setAttr(tab, "tabindex", tab.classList.contains("tab--disabled") ? "-1" : "0");
            setAttr(tab, "aria-selected", selected ? "true" : "false");
            if (selected && tab.id) {
                selectedId = tab.id;
            }
        });
        var parent = list.parentElement;
        var panel = parent && parent.querySelector(":scope > .tab-content");
        if (panel) {
            setAttr(panel, "role", "tabpanel");
            if (selectedId) {
                setAttr(panel, "aria-labelledby", selectedId);
            }
        }
    }

    function markButton(element) {
        setAttr(element, "role", "button");
        setAttr(element, "tabindex", "0");
    }

    /* Observers on the few elements that need them, never on the whole page: a page-wide observer
       would see every node Plotly creates on each redraw (about 20 ms per phase-map redraw measured). */
    var watched = new WeakSet();
    var thumbObserver = new MutationObserver(function (records) {
        records.forEach(function (record) { nameSlider(record.target); });  /* at once: follows the thumb */
    });
    var tabObserver = new MutationObserver(function () { schedule(); });

    function applyAll() {
        document.querySelectorAll(".main-control[data-field] [role='slider']").forEach(function (thumb) {
            nameSlider(thumb);
            if (!watched.has(thumb)) {
                watched.add(thumb);
                thumbObserver.observe(thumb, {attributes: true, attributeFilter: ["aria-valuenow"]});
            }
        });
        document.querySelectorAll(".tab-container").forEach(function (list) {
            markTabs(list);
            if (!watched.has(list)) {
                watched.add(list);
                tabObserver.observe(list, {childList: true, subtree: true, attributes: true,
                                           attributeFilter: ["class"]});
            }
        });
        var copy = document.getElementById("copy-link");
        if (copy) {
            markButton(copy);
        }
    }

    var scheduled = false;
    function schedule() {
        if (!scheduled) {
            scheduled = true;
            window.requestAnimationFrame(function () {
                scheduled = false;
                applyAll();
            });
        }
    }

    function moveFocus(tab, key) {
        var tabs = Array.prototype.filter.call(tab.parentElement.children, function (t) {
            return t.getAttribute("role") === "tab" && !t.classList.contains("tab--disabled");
        });
        var i = tabs.indexOf(tab);
        var next = key === "Home" ? 0 : key === "End" ? tabs.length - 1
            : (i + (key === "ArrowRight" || key === "ArrowDown" ? 1 : -1) + tabs.length) % tabs.length;
        if (tabs[next]) {
            tabs[next].focus();
        }
    }

    function onKeyDown(event) {
        var target = event.target;
        if (!(target instanceof Element) || event.altKey || event.ctrlKey || event.metaKey) {
            return;
        }
        var activate = event.key === "Enter" || event.key === " ";
        if (target.getAttribute("role") === "tab") {
            if (activate) {
                event.preventDefault();
                target.click();
            } else if (["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"].indexOf(event.key) >= 0) {
                event.preventDefault();
                moveFocus(target, event.key);
            }
        } else if ((target.id === "copy-link" || target.classList.contains("field-message")) && activate) {
            event.preventDefault();  /* Copy link; an input-rule message is dismissed like a click */
            target.click();
        }
    }

    function start() {
        applyAll();
        /* Dash mounts and re-mounts components after load (a tab's content, the control tabs): a
           cheap scan twice a second attaches the observers to new elements. */
        window.setInterval(applyAll, WATCH_INTERVAL_MS);
        document.addEventListener("keydown", onKeyDown);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}());
