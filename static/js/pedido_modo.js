/* Order screen, additions of the new tabs (no inline JS: CSP):
 *   M (outside a field) toggles simplified/advanced mode · the mode's answer switches columns
 *   Simplified mode: Enter on the add-item quantity includes the item (price/discount hidden)
 *   Lot lookup: ↓ ↑ walk the lots, Enter picks (a button), Esc closes (pedido.js)
 *   Date scheduling editor: Esc cancels; the tab redraws when items changed elsewhere
 */
(function () {
  "use strict";

  function $(id) { return document.getElementById(id); }
  function emCampo(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function tela() { return $("tela-pedido"); }
  function simplificado() { var t = tela(); return t && t.classList.contains("modo-simplificado"); }

  // --- mode --------------------------------------------------------------------------------
  document.body.addEventListener("pedido-modo", function (ev) {
    var t = tela();
    if (!t || !ev.detail || !ev.detail.value) { return; }
    t.classList.remove("modo-simplificado", "modo-avancado");
    t.classList.add("modo-" + ev.detail.value);
  });

  // Capture phase: runs before pedido.js's handler on the same keys.
  document.addEventListener("keydown", function (ev) {
    var el = document.activeElement;
    if (!tela()) { return; }
    if (ev.key === "Enter" && !ev.ctrlKey && !ev.metaKey && !ev.shiftKey && !ev.altKey &&
        el && el.id === "add-quantidade" && simplificado()) {
      // The next fields (discount, new price) are hidden: Enter includes the item.
      ev.preventDefault();
      ev.stopPropagation();
      el.form.requestSubmit();
      return;
    }
    if (ev.key === "Escape" && el && el.closest && el.closest("#programacao-form")) {
      var cancelar = document.querySelector("[data-programacao-cancelar]");
      if (cancelar) { ev.preventDefault(); ev.stopPropagation(); cancelar.click(); }
      return;
    }
    var lista = el && el.closest ? el.closest(".lista-lotes") : null;
    if (lista && (ev.key === "ArrowDown" || ev.key === "ArrowUp")) {
      var ops = Array.prototype.slice.call(lista.querySelectorAll("[data-lote-opcao]"));
      var pos = ops.indexOf(el);
      if (!ops.length) { return; }
      ev.preventDefault();
      ev.stopPropagation();
      var prox = ev.key === "ArrowDown" ? Math.min(pos + 1, ops.length - 1) : Math.max(pos - 1, 0);
      ops[prox].focus();
      return;
    }
    if (emCampo(el) || ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    if (ev.key === "m" || ev.key === "M") {
      var botao = $("pedido-modo");
      if (botao) { ev.preventDefault(); botao.click(); }
    }
  }, true);

  // --- lot lookup: focus the first lot once the list arrives -----------------------------------
  document.addEventListener("htmx:afterSwap", function (ev) {
    var alvo = ev.detail.target;
    if (alvo && alvo.classList && alvo.classList.contains("lotes-conteudo")) {
      var primeira = alvo.querySelector("[data-lote-opcao]");
      if (primeira) { primeira.focus(); }
      return;
    }
    if (alvo && alvo.id === "pedido-programacao") {
      var foco = document.querySelector("#pedido-programacao [data-foco-inicial]");
      if (foco) { foco.focus(); }
      return;
    }
  });
  // Items changed (quantity, cancellation, new item, header): the scheduling tab is stale.
  document.addEventListener("htmx:afterRequest", function (ev) {
    var alvo = ev.detail.target;
    if (ev.detail.successful && alvo && alvo.id === "pedido-itens") { marcarProgramacao(); }
  });

  // --- the scheduling tab redraws when it is shown after item changes -------------------------
  var programacaoSuja = false;
  function marcarProgramacao() {
    programacaoSuja = true;
    var aba = $("aba-programacao");
    if (aba && !aba.hidden) { atualizarProgramacao(); }
  }
  function atualizarProgramacao() {
    var painel = $("pedido-programacao");
    if (painel && programacaoSuja && !document.getElementById("programacao-form") && window.htmx) {
      programacaoSuja = false;
      window.htmx.trigger(painel, "atualizar");
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var aba = $("aba-programacao");
    if (!aba || !window.MutationObserver) { return; }
    new MutationObserver(function () { if (!aba.hidden) { atualizarProgramacao(); } })
      .observe(aba, { attributes: true, attributeFilter: ["hidden"] });
  });
})();
