/* mulu 机构查询：按统一社会信用代码（精确）或名称（包含）查询机构是否在册、暂停或已移出，
   以及按核算日期计算的当前状态（资质已过期、暂停期已满待公告、禁止重新列入的期限……）。
   查询内容保存在网址中（?q=），可以分享。所有文字以 textContent 插入。 */
(function () {
  "use strict";
  var form = document.querySelector(".mulu-check");
  if (!form) return;
  var input = form.querySelector("input");
  var out = document.querySelector(".mulu-check__result");
  var CLASS = { "在册": "listed", "暂停": "suspended", "已移出": "withdrawn" };
  var EXPLAIN = {
    "active": "该机构目前列在本目录中。",
    "expiring": "该机构目前列在本目录中，但资质即将到期；到期后未延续的，将显示为资质已过期。",
    "expired": "该机构仍登记在目录中，但资质（许可证或备案）已过有效期，尚无延续的公告：过期期间不应承担补贴性培训或认定。",
    "suspended": "该机构的目录资格已被暂停，暂停期间不得开展相关补贴性培训或认定。",
    "suspension_overdue": "该机构的暂停期已满，但尚未发布恢复或移出的公告；在公告发布前仍按暂停对待。",
    "withdrawn": "该机构已被移出目录，不再具有相关资格。",
    "barred": "该机构已被移出目录，在所示日期之前不得重新列入。"
  };
  var indexPromise = null;

  function loadIndex() {
    if (!indexPromise) {
      indexPromise = fetch(form.getAttribute("data-index"))
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .catch(function (e) { indexPromise = null; throw e; });
    }
    return indexPromise;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function answer(word, cls) {
    var p = el("p", "mulu-answer mulu-answer--" + cls);
    p.appendChild(el("strong", null, word));
    return p;
  }

  function entryCard(index, e) {
    var code = e[0], name = e[1], status = e[2], kind = e[3], eff = e[8];
    var card = el("div", "mulu-check__card");
    card.appendChild(answer(e[9] || status, e[11] || CLASS[status] || "other"));
    var h = el("p", "mulu-check__name");
    var a = el("a", null, name);
    a.href = "../" + encodeURIComponent(kind) + "/" + encodeURIComponent(code) + "/";
    h.appendChild(a);
    card.appendChild(h);
    var dl = el("dl", "mulu-fields");
    function row(label, value) { if (!value) return; dl.appendChild(el("dt", null, label)); dl.appendChild(el("dd", null, value)); }
    row("统一社会信用代码", code);
    row("所在目录", index.kinds[kind] || kind);
    row("地区", e[4]);
    row(status === "暂停" ? "暂停日期" : "移出日期", e[5]);
    row("依据公告", e[6]);
    row("原因", e[7]);
    if (eff !== "active") row("核算说明", e[10]);
    row("状态核算日期", index.as_of);
    card.appendChild(dl);
    card.appendChild(el("p", "mulu-note", EXPLAIN[eff] || ""));
    return card;
  }

  function notFound(q) {
    var card = el("div", "mulu-check__card");
    card.appendChild(answer("未找到", "missing"));
    card.appendChild(el("p", null, "本站的培训机构目录和职业技能等级认定机构目录中没有“" + q + "”。" +
      "请核对代码或名称；如有疑问，请向当地人力资源和社会保障部门咨询。"));
    return card;
  }

  // GB 32100-2015 的校验算法（与 generator/mulu/core/creditcode.py 相同）：代码本身有误时，
  // 明确说代码无效、错在哪一位，而不是“未找到”。
  var ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

  function codeProblem(code) {
    for (var i = 0; i < 18; i++) {
      if (ALPHABET.indexOf(code.charAt(i)) < 0) {
        return "第 " + (i + 1) + " 位“" + code.charAt(i) + "”不是统一社会信用代码允许的字符（代码不使用字母 I、O、S、V、Z）。";
      }
    }
    var total = 0;
    for (var j = 0; j < 17; j++) total += ALPHABET.indexOf(code.charAt(j)) * (Math.pow(3, j) % 31);
    var expected = ALPHABET.charAt((31 - total % 31) % 31);
    if (expected === code.charAt(17)) return "";
    return "第 18 位校验码是“" + code.charAt(17) + "”，按前 17 位计算应为“" + expected + "”：代码中有输错的字符。";
  }

  function invalidCode(q, problem) {
    var card = el("div", "mulu-check__card");
    card.appendChild(answer("代码无效", "missing"));
    card.appendChild(el("p", null, "“" + q + "”不是有效的统一社会信用代码：" + problem +
      "请对照营业执照或登记证书逐位核对，也可以改用机构名称查询。"));
    return card;
  }

  function search(raw) {
    var q = raw.trim();
    out.textContent = "";
    if (!q) return;
    out.appendChild(el("p", null, "正在查询……"));
    loadIndex().then(function (index) {
      out.textContent = "";
      var code = q.replace(/\s+/g, "").toUpperCase();
      var hits;
      if (/^[0-9A-Z]{18}$/.test(code)) {
        hits = index.entries.filter(function (e) { return e[0] === code; });
      } else {
        var needle = q.replace(/\s+/g, "").toLowerCase();
        hits = index.entries.filter(function (e) { return e[1].replace(/\s+/g, "").toLowerCase().indexOf(needle) >= 0 || e[0].indexOf(code) === 0; });
      }
      if (!hits.length) {
        var problem = /^[0-9A-Z]{18}$/.test(code) ? codeProblem(code) : "";
        out.appendChild(problem ? invalidCode(q, problem) : notFound(q));
        return;
      }
      if (hits.length <= 3) { hits.forEach(function (e) { out.appendChild(entryCard(index, e)); }); return; }
      out.appendChild(el("p", null, "找到 " + hits.length + " 个名称包含“" + q + "”的机构" + (hits.length > 50 ? "，显示前 50 个" : "") + "："));
      var ul = el("ul", "mulu-related");
      hits.slice(0, 50).forEach(function (e) {
        var li = el("li");
        var a = el("a", null, e[1]);
        a.href = "../" + encodeURIComponent(e[3]) + "/" + encodeURIComponent(e[0]) + "/";
        li.appendChild(a);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", "mulu-status mulu-status--" + (e[11] || CLASS[e[2]] || "other"), e[9] || e[2]));
        li.appendChild(el("span", "mulu-relation", "（" + (index.kinds[e[3]] || e[3]) + "，" + e[4] + "）"));
        ul.appendChild(li);
      });
      out.appendChild(ul);
    }).catch(function () {
      out.textContent = "";
      out.appendChild(el("p", null, "查询数据加载失败，请刷新页面重试。"));
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = input.value.trim();
    var p = new URLSearchParams(location.search);
    if (q) p.set("q", q); else p.delete("q");
    history.replaceState(null, "", location.pathname + (p.toString() ? "?" + p : ""));
    search(q);
  });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) { input.value = initial; search(initial); }
})();
