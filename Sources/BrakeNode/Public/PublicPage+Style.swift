extension PublicPage {
    /// `/page/style.css`.
    static let style = #"""
:root { color-scheme: light dark; --ok: #1a7f37; --bad: #cf222e; --line: #8884; }
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 0 auto; padding: 1rem; }
header h1 { margin-bottom: 0; }
h2 { border-bottom: 1px solid var(--line); padding-bottom: .2rem; margin-top: 2rem; }
code { font-size: .85em; word-break: break-all; }
article { border: 1px solid var(--line); border-radius: .4rem; padding: .2rem 1rem; margin: .6rem 0; }
article.in-force { border-left: .4rem solid var(--bad); }
.badge { display: inline-block; font-size: .8rem; font-weight: 600; padding: 0 .5rem; border-radius: 1rem; color: #fff; }
.badge.ok { background: var(--ok); }
.badge.bad { background: var(--bad); }
.why { font-size: .85rem; opacity: .8; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; border-bottom: 1px solid var(--line); padding: .2rem .4rem; }
tr.overdue td { color: var(--bad); }
#status, #stream { font-size: .85rem; opacity: .8; margin: 0; }
"""#
}
