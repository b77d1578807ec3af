package dialtone.report;

/** The report pages' one style sheet, inline (the page's policy allows no fetch). */
final class Css {
    private Css() {
    }

    static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1180px;padding:0 16px 40px;color:#1b1b1b}
            h1{margin:0;font-size:34px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin:14px 0 6px}
            .verdict{padding:16px 20px;margin:16px 0;border-radius:6px;color:#fff}
            body.pass .verdict{background:#1e7a34}body.fail .verdict{background:#b3261e}
            .verdict p{margin:6px 0}.verdict code{color:#fff}.verdict .warn{color:#ffe9a8}
.step-pass{color:#1e7a34}.step-fail{color:#b3261e}.step-warn{color:#8a6d00}
            table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
            th{background:#f5f5f5}td.num{text-align:right;white-space:nowrap}tr.bad td,td.bad,.bad{color:#b3261e;font-weight:600}
            td.ok{color:#1e7a34}td.na{color:#777}.note{color:#555;font-size:13px}
            .ladder-wrap{display:flex;gap:16px;align-items:flex-start}
            svg.ladder{flex:none;background:#fcfcfc;border:1px solid #e3e3e3}
            svg.ladder .lane line{stroke:#999;stroke-dasharray:4 3}svg.ladder .lane-name{font-weight:600;font-size:13px}
            svg.ladder .lane-sub{font-size:11px;fill:#555}svg.ladder text{font-size:11px;font-family:ui-monospace,monospace}
            svg.ladder .time{fill:#777;font-size:10px}
            svg.ladder a line{stroke:#333;stroke-width:1.4}svg.ladder a.resp line{stroke:#1f77b4}svg.ladder a.err line{stroke:#b3261e}
            svg.ladder a.resp text{fill:#1f77b4}svg.ladder a.err text{fill:#b3261e}svg.ladder a:hover line{stroke-width:3}
            svg.ladder circle{fill:#999}
            .messages{flex:1;min-width:0;position:sticky;top:8px}.msg{display:none}.msg:target{display:block}
            .msg:target ~ .msg-hint{display:none}.msg-hint{color:#777;font-size:13px;padding:8px}
            .msg pre{background:#f6f8fa;border:1px solid #e3e3e3;padding:8px;overflow:auto;max-height:70vh;font-size:12px;white-space:pre-wrap;word-break:break-all}
            .msg h4{margin:0 0 4px}
            .grid{display:flex;flex-wrap:wrap;gap:8px}figure{margin:4px}figcaption{font-size:12px;color:#555}
            .chart svg{background:#fcfcfc;border:1px solid #e3e3e3}.chart .title{font-size:12px;font-weight:600}
            .chart .axis{font-size:10px;fill:#666}line.grid{stroke:#eee}line.marker{stroke:#e08a00;stroke-dasharray:3 3;stroke-width:1.2}
            rect.outage{fill:#f0b400;fill-opacity:.25}rect.outage.failing{fill:#d62728;fill-opacity:.22}
            polyline{stroke-width:1.6}svg.waveform{background:#fcfcfc;border:1px solid #e3e3e3}
            img.spectrogram{image-rendering:pixelated;border:1px solid #e3e3e3;background:#000}
            table.events code{font-size:11px;word-break:break-all}footer{margin-top:30px;color:#777;font-size:12px}
            """;
}
