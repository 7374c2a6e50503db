// Drop zone upload with real progress. Dash renders the page after this script runs, so everything is
// wired by document-level event delegation, and the file input is added whenever the drop zone appears.
(function () {
    'use strict';
    let current = null; // the XMLHttpRequest in flight, so a newer file cancels an older one

    function setProps(id, props) {
        if (window.dash_clientside && window.dash_clientside.set_props) {
            window.dash_clientside.set_props(id, props);
        }
    }

    function report(result) {
        setProps('upload-result', {data: Object.assign({}, result, {t: Date.now()})});
    }

    function progress(percent, label, busy) {
        setProps('upload-progress', {
            value: percent, label: label, striped: !!busy, animated: !!busy, style: {display: 'flex'}
        });
    }

    function csrfToken() {
        const found = document.cookie.split('; ').find(function (c) { return c.indexOf('_csrf_token=') === 0; });
        return found ? decodeURIComponent(found.slice('_csrf_token='.length)) : '';
    }

    function sizeText(bytes) {
        return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + ' MB' : Math.max(1, Math.round(bytes / 1024)) + ' KB';
    }

    function upload(file, zone) {
        if (!file) { return; }
        const limit = Number(zone.dataset.maxBytes || 0);
        if (limit && file.size > limit) {
            // Same wording as the server's check; saves sending a file that would be refused.
            report({error: "file '" + file.name + "': the file is " + (file.size / 1048576).toFixed(1) +
                " MB, over the " + Math.round(limit / 1048576) + " MB limit; split it or raise the limit " +
                "(COHORT_ATLAS_MAX_MB)", filename: file.name});
            return;
        }
        if (current) { current.abort(); }
        const xhr = new XMLHttpRequest();
        current = xhr;
        setProps('upload-status', {children: null});
        progress(0, 'Uploading ' + file.name + '…', false);
        xhr.upload.onprogress = function (e) {
            if (e.lengthComputable) {
                const pct = Math.round(100 * e.loaded / e.total);
                progress(pct, pct < 100 ? 'Uploading ' + pct + '% of ' + sizeText(e.total) : 'Analysing…', pct >= 100);
            }
        };
        xhr.upload.onload = function () { progress(100, 'Analysing ' + file.name + '…', true); };
        xhr.onload = function () {
            if (current !== xhr) { return; }
            current = null;
            let reply;
            try { reply = JSON.parse(xhr.responseText); } catch (err) { reply = null; }
            if (!reply || (xhr.status !== 200 && !reply.error)) {
                reply = {error: "file '" + file.name + "': the server answered " + xhr.status + ' ' + xhr.statusText};
            }
            if (reply.error) { reply.filename = reply.filename || file.name; }
            else { progress(100, 'Analysing ' + file.name + '…', true); }
            report(reply);
        };
        xhr.onerror = function () {
            if (current !== xhr) { return; }
            current = null;
            report({error: "file '" + file.name + "': the upload was interrupted (network error); try again",
                    filename: file.name});
        };
        xhr.open('POST', zone.dataset.uploadUrl || '/api/upload');
        xhr.setRequestHeader('Content-Type', 'application/octet-stream');
        xhr.setRequestHeader('X-Filename', encodeURIComponent(file.name));
        xhr.setRequestHeader('X-CSRFToken', csrfToken()); // the server refuses uploads without it
        xhr.send(file);
    }

    function ensureInput() {
        const zone = document.getElementById('drop-zone');
        if (!zone || zone.querySelector('#upload-input')) { return; }
        const input = document.createElement('input');
        input.type = 'file';
        input.id = 'upload-input';
        input.className = 'drop-input';
        input.accept = zone.dataset.accept || '.csv';
        input.setAttribute('aria-label', 'Choose a CSV or Excel file to analyse');
        input.title = '';
        zone.appendChild(input);
    }

    new MutationObserver(ensureInput).observe(document.documentElement, {childList: true, subtree: true});
    document.addEventListener('DOMContentLoaded', ensureInput);

    document.addEventListener('change', function (e) {
        if (e.target && e.target.id === 'upload-input') {
            const zone = e.target.closest('.drop-zone');
            upload(e.target.files[0], zone);
            e.target.value = ''; // choosing the same file again should upload again
        }
    });

    ['dragenter', 'dragover'].forEach(function (type) {
        document.addEventListener(type, function (e) {
            const zone = e.target.closest && e.target.closest('.drop-zone');
            if (zone) { e.preventDefault(); zone.classList.add('is-dragging'); }
        });
    });
    document.addEventListener('dragleave', function (e) {
        const zone = e.target.closest && e.target.closest('.drop-zone');
        if (zone && !zone.contains(e.relatedTarget)) { zone.classList.remove('is-dragging'); }
    });
    document.addEventListener('drop', function (e) {
        const zone = e.target.closest && e.target.closest('.drop-zone');
        if (!zone) { return; }
        e.preventDefault();
        zone.classList.remove('is-dragging');
        const files = e.dataTransfer && e.dataTransfer.files;
        if (files && files.length) { upload(files[0], zone); }
    });
    // A file dropped next to the zone would otherwise make the browser navigate away from the dashboard.
    window.addEventListener('dragover', function (e) { e.preventDefault(); });
    window.addEventListener('drop', function (e) { e.preventDefault(); });
}());
