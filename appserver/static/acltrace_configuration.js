/*
 * acltrace configuration page (default/data/ui/views/acltrace_configuration.xml).
 * Lists, adds, edits and removes SNMP accounts and acltrace_snmp inputs through the app's REST
 * handlers (default/restmap.conf: acltrace_account, acltrace_snmp, built on splunktaucclib) and polls
 * one device on demand (acltrace_test_device); sets the input's log level (acltrace_settings.conf
 * [logging] loglevel, through splunkd's own configs/conf-acltrace_settings endpoint). Secrets are sent to the handlers only; the handlers
 * keep them in storage/passwords and list them as "******", which this page never shows.
 */
require([
    "jquery",
    "splunkjs/mvc",
    "splunkjs/mvc/simplexml/ready!"
], function ($, mvc) {
    "use strict";
    var service = mvc.createService({ owner: "nobody", app: "acltrace" });
    var SECRETS = ["community", "auth_key", "priv_key"];
    var STORED = "******";

    function problem(err) {
        var data = err && err.data;
        if (data && data.messages && data.messages.length) { return data.messages[0].text; }
        if (data && data.error) { return data.error; }
        return (err && (err.error || err.status)) || "request failed";
    }

    function say(form, text, ok) {
        form.find(".acltrace-message").text(text).toggleClass("error", !ok).toggleClass("ok", !!ok);
    }

    function values(form) {
        var out = {};
        form.find("input, select, textarea").each(function () {
            var field = $(this);
            if (field.closest("label").is(":visible")) { out[field.attr("name")] = field.val(); }
        });
        return out;
    }

    function save(endpoint, form, names, done) {
        var data = values(form), name = data.name, existing = names.indexOf(name) >= 0;
        delete data.name;
        if (!existing) { data.name = name; }
        service.post(existing ? endpoint + "/" + encodeURIComponent(name) : endpoint, data, function (err) {
            if (err) { return say(form, problem(err), false); }
            say(form, "saved " + name, true);
            done();
        });
    }

    function button(text, action) {
        return $("<button type='button' class='btn btn-default'></button>").text(text).on("click", action);
    }

    function list(endpoint, done) {
        service.get(endpoint, { output_mode: "json", count: 0 }, function (err, response) {
            done(err, err ? [] : (response.data.entry || []));
        });
    }

    // --- accounts ------------------------------------------------------------------------------
    var accounts = $("#acltrace-accounts"), accountForm = accounts.find("form"), accountNames = [];

    function showVersion() {
        var v3 = accountForm.find("[name=snmp_version]").val() === "3";
        accountForm.find(".v3").toggle(v3);
        accountForm.find(".v2c").toggle(!v3);
    }

    function loadAccounts() {
        list("acltrace_account", function (err, entries) {
            var body = accounts.find("tbody").empty();
            if (err) { return say(accountForm, problem(err), false); }
            accountNames = entries.map(function (e) { return e.name; });
            $("select[name=account]").each(function () {
                var select = $(this).empty();
                accountNames.forEach(function (n) { select.append($("<option></option>").val(n).text(n)); });
            });
            entries.forEach(function (entry) {
                var c = entry.content;
                var row = $("<tr></tr>").appendTo(body);
                [entry.name, c.snmp_version === "3" ? "v3" : "v2c", c.v3_user || "",
                 c.snmp_version === "3" ? c.auth_protocol : "", c.snmp_version === "3" && c.priv_key ? c.priv_protocol : ""]
                    .forEach(function (text) { $("<td></td>").text(text).appendTo(row); });
                $("<td></td>").append(button("Edit", function () {
                    accountForm.find("[name=name]").val(entry.name);
                    ["snmp_version", "v3_user", "auth_protocol", "priv_protocol", "context"].forEach(function (k) {
                        accountForm.find("[name=" + k + "]").val(c[k] || "");
                    });
                    SECRETS.forEach(function (k) { accountForm.find("[name=" + k + "]").val(c[k] ? STORED : ""); });
                    showVersion();
                })).append(button("Delete", function () {
                    service.del("acltrace_account/" + encodeURIComponent(entry.name), {}, function (e) {
                        if (e) { return say(accountForm, problem(e), false); }
                        loadAccounts();
                    });
                })).appendTo(row);
            });
        });
    }

    accountForm.find("[name=snmp_version]").on("change", showVersion);
    accountForm.on("submit", function (event) {
        event.preventDefault();
        save("acltrace_account", accountForm, accountNames, function () {
            SECRETS.forEach(function (k) { accountForm.find("[name=" + k + "]").val(""); });
            loadAccounts();
        });
    });

    // --- inputs --------------------------------------------------------------------------------
    var inputs = $("#acltrace-inputs"), inputForm = inputs.find("form"), inputNames = [];
    var INPUT_FIELDS = ["devices", "account", "tables", "interval", "timeout", "retries", "device_deadline", "max_rows",
        "index"];

    function loadInputs() {
        list("acltrace_snmp", function (err, entries) {
            var body = inputs.find("tbody").empty();
            if (err) { return say(inputForm, problem(err), false); }
            inputNames = entries.map(function (e) { return e.name; });
            entries.forEach(function (entry) {
                var c = entry.content, disabled = c.disabled === true || c.disabled === "1" || c.disabled === "true";
                var row = $("<tr></tr>").appendTo(body);
                [entry.name, c.devices, c.account, c.tables, c.interval, c.index, disabled ? "disabled" : "enabled"]
                    .forEach(function (text) { $("<td></td>").text(text || "").appendTo(row); });
                $("<td></td>").append(button("Edit", function () {
                    inputForm.find("[name=name]").val(entry.name);
                    INPUT_FIELDS.forEach(function (k) { inputForm.find("[name=" + k + "]").val(c[k] || ""); });
                })).append(button(disabled ? "Enable" : "Disable", function () {
                    service.post("acltrace_snmp/" + encodeURIComponent(entry.name), { disabled: disabled ? 0 : 1 },
                        function (e) { if (e) { say(inputForm, problem(e), false); } loadInputs(); });
                })).append(button("Delete", function () {
                    service.del("acltrace_snmp/" + encodeURIComponent(entry.name), {}, function (e) {
                        if (e) { return say(inputForm, problem(e), false); }
                        loadInputs();
                    });
                })).appendTo(row);
            });
        });
    }

    inputForm.on("submit", function (event) {
        event.preventDefault();
        save("acltrace_snmp", inputForm, inputNames, loadInputs);
    });

    // --- test a device -------------------------------------------------------------------------
    var testForm = $("#acltrace-test form");
    testForm.on("submit", function (event) {
        event.preventDefault();
        say(testForm, "polling...", true);
        service.post("acltrace_test_device", values(testForm), function (err, response) {
            var answer = err ? (err.data || {}) : response.data;
            if (err && !answer.status) { return say(testForm, problem(err), false); }
            var rows = answer.rows || {};
            var text = answer.status + (answer.device ? " - " + answer.device : "") +
                (answer.seconds !== undefined ? " in " + answer.seconds + " s" : "") +
                (answer.rows ? ": " + rows.mac + " MAC, " + rows.arp + " ARP, " + rows.neighbor + " neighbour rows" : "") +
                (answer.error ? " - " + answer.error : "");
            say(testForm, text, answer.status === "ok");
        });
    });

    // --- logging: acltrace_settings.conf [logging] loglevel, through splunkd's configs endpoint ---
    var logForm = $("#acltrace-logging form"), LOGGING = "configs/conf-acltrace_settings/logging";

    function loadLogging() {
        service.get(LOGGING, { output_mode: "json" }, function (err, response) {
            if (err) { return say(logForm, problem(err), false); }
            logForm.find("[name=loglevel]").val(response.data.entry[0].content.loglevel);
        });
    }

    logForm.on("submit", function (event) {
        event.preventDefault();
        service.post(LOGGING, { loglevel: logForm.find("[name=loglevel]").val() }, function (err) {
            if (err) { return say(logForm, problem(err), false); }
            say(logForm, "saved: the input uses it from its next run", true);
        });
    });

    showVersion();
    loadAccounts();
    loadInputs();
    loadLogging();
});
