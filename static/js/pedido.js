/* Order entry (vendas): keyboard map, lookups, tabs, focus across htmx swaps, unsaved-changes
 * warning. No inline JS (CSP). The map is printed on the buttons and in the "?" dialog:
 *   F2 product search · F3 product lookup · F4 payment condition / client lookup
 *   ↓ ↑ Enter in a result list · Enter = next field (last field: submit) · Esc = cancel
 *   1…9, 0 tabs (outside fields; 0 is the tenth) · Ctrl+Enter send (closing tab) · ? shortcuts
 */
(function () {
  "use strict";

  function emCampo(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function $(id) { return document.getElementById(id); }
  function focar(el) { if (el) { el.focus(); if (el.select && el.type !== "date") { el.select(); } } }

  // --- tabs --------------------------------------------------------------------------------
  function abrirAba(nome) {
    var abas = document.querySelectorAll("[data-aba]");
    if (!abas.length) { return; }
    abas.forEach(function (a) {
      var ativa = a.getAttribute("data-aba") === nome;
      a.setAttribute("aria-selected", ativa ? "true" : "false");
      var painel = $("aba-" + a.getAttribute("data-aba"));
      if (painel) { painel.hidden = !ativa; }
    });
    if (history.replaceState) {
      var url = new URL(window.location.href);
      url.searchParams.set("aba", nome);
      history.replaceState(null, "", url.toString());
    }
  }
  document.addEventListener("click", function (ev) {
    var aba = ev.target.closest("[data-aba]");
    if (aba) { ev.preventDefault(); abrirAba(aba.getAttribute("data-aba")); return; }
    var ir = ev.target.closest("[data-ir-aba]");
    if (ir) {
      ev.preventDefault();
      abrirAba(ir.getAttribute("data-ir-aba"));
      var alvo = ir.getAttribute("data-focar");
      if (alvo) { focar($(alvo)); }
      return;
    }
    var item = ev.target.closest("[data-ir-item]");
    if (item) {
      ev.preventDefault();
      abrirAba("itens");
      var id = item.getAttribute("data-ir-item");
      focar($("item-" + id + "-quantidade") || $("item-" + id));
      return;
    }
    if (ev.target.closest("[data-atalhos-abrir]")) { alternarAtalhos(); return; }
    if (ev.target.closest("[data-atalhos-fechar]")) { var d = $("atalhos"); if (d && d.open) { d.close(); } }
  });

  function alternarAtalhos() {
    var d = $("atalhos");
    if (!d) { return; }
    if (d.open) { d.close(); } else { d.showModal(); }
  }

  // --- lookups (product in the order, client in "novo pedido") -------------------------------
  function listaDe(input) {
    return input && input.getAttribute("data-lookup") === "produto" ? $("produto-resultados") : $("cliente-opcoes");
  }
  function opcoes(lista) {
    return lista ? Array.prototype.slice.call(lista.querySelectorAll("a[role=option]")) : [];
  }
  function escolher(link) {
    if (link.hasAttribute("data-escolher-produto")) {
      $("add-produto").value = link.getAttribute("data-escolher-produto");
      $("busca-produto").value = link.getAttribute("data-rotulo");
      $("produto-escolhido").textContent = "Escolhido: " + link.getAttribute("data-rotulo");
      $("produto-resultados").innerHTML = "";
      var qtd = $("add-quantidade");
      if (qtd && !qtd.value) { qtd.value = "1"; }
      focar(qtd);
    } else if (link.hasAttribute("data-escolher-cliente")) {
      var form = $("form-pedido-novo");
      form.querySelector("input[name=cliente]").value = link.getAttribute("data-escolher-cliente");
      $("busca-cliente").value = link.getAttribute("data-rotulo");
      $("cliente-escolhido").textContent = "Escolhido: " + link.getAttribute("data-rotulo");
      $("cliente-opcoes").innerHTML = "";
      focar(form.querySelector("button[type=submit]"));
    }
  }
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest("[data-escolher-produto], [data-escolher-cliente]");
    if (link) { ev.preventDefault(); escolher(link); }
  });

  function proximoCampo(atual) {
    var escopo = atual.closest("#pedido-itens, #pedido-descontos, #form-item, #cabecalho-pedido, form") || document;
    var campos = Array.prototype.slice.call(
      escopo.querySelectorAll("input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])")
    ).filter(function (c) { return c.offsetParent !== null; });
    var i = campos.indexOf(atual);
    return i >= 0 && i + 1 < campos.length ? campos[i + 1] : null;
  }

  // Where the focus goes once the next swap lands (ids survive the swap).
  var focoPendente = null;

  document.addEventListener("keydown", function (ev) {
    var el = document.activeElement;
    var dialogo = $("atalhos");

    // Esc: close the dialog / the result list / undo the field being typed.
    if (ev.key === "Escape") {
      if (dialogo && dialogo.open) { return; } // the dialog closes itself
      var lista = el && el.closest ? el.closest(".lista-lookup") : null;
      var campoBusca = el && el.hasAttribute && el.hasAttribute("data-lookup") ? el : null;
      if (lista || (campoBusca && listaDe(campoBusca) && listaDe(campoBusca).innerHTML.trim())) {
        ev.preventDefault();
        var l = lista || listaDe(campoBusca);
        l.innerHTML = "";
        focar(lista ? $(lista.id === "produto-resultados" ? "busca-produto" : "busca-cliente") : campoBusca);
        return;
      }
      if (el && el.hasAttribute && el.hasAttribute("data-original")) {
        ev.preventDefault();
        el.value = el.getAttribute("data-original");
        sujos.delete(el);
        el.blur();
        return;
      }
      var det = el && el.closest ? el.closest("details[open]") : null;
      if (det) { det.open = false; focar(det.querySelector("summary")); return; }
      // Nothing to cancel: leave the field, so 1…9, 0 and ? work again.
      if (emCampo(el)) { el.blur(); }
      return;
    }

    // F2 / F3 / F4: lookups (F3 also opens with what is typed).
    if (ev.key === "F2" || ev.key === "F3") {
      var busca = $("busca-produto") || $("busca-cliente");
      if (busca) {
        ev.preventDefault();
        abrirAba("itens");
        focar(busca);
        if (ev.key === "F3" && window.htmx) { window.htmx.trigger(busca, "search"); }
      }
      return;
    }
    if (ev.key === "F4") {
      var alvo = $("id_condicao_pagamento") || $("busca-cliente");
      if (alvo) {
        ev.preventDefault();
        focar(alvo);
        if (alvo.showPicker) { try { alvo.showPicker(); } catch (e) { /* not allowed: focus is enough */ } }
      }
      return;
    }

    // Ctrl+Enter: send (goes to the closing tab, where the send button and the reasons are).
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
      var enviar = $("enviar");
      if (enviar) {
        ev.preventDefault();
        abrirAba("fechamento");
        if (el && el.id === "id_justificativa") { enviar.requestSubmit(); } else { focar($("id_justificativa")); }
      }
      return;
    }

    // Result lists: ↓ ↑ walk, Enter chooses.
    if (el && (el.hasAttribute("data-lookup") || (el.closest && el.closest(".lista-lookup")))) {
      var listaAtual = el.hasAttribute("data-lookup") ? listaDe(el) : el.closest(".lista-lookup");
      var ops = opcoes(listaAtual);
      var pos = ops.indexOf(el);
      if (ev.key === "ArrowDown" && ops.length) {
        ev.preventDefault(); ops[Math.min(pos + 1, ops.length - 1)].focus(); return;
      }
      if (ev.key === "ArrowUp" && pos >= 0) {
        ev.preventDefault();
        if (pos === 0) { focar($(listaAtual.id === "produto-resultados" ? "busca-produto" : "busca-cliente")); } else { ops[pos - 1].focus(); }
        return;
      }
      if (ev.key === "Enter") {
        ev.preventDefault();
        if (pos >= 0) { escolher(ops[pos]); } else if (ops.length) { escolher(ops[0]); }
        return;
      }
    }

    // Enter moves to the next field; on data-enter-enviar it submits the form.
    if (ev.key === "Enter" && el && !ev.shiftKey && !ev.altKey && el.tagName !== "TEXTAREA" && el.tagName !== "BUTTON" && el.tagName !== "A") {
      if (el.hasAttribute("data-enter-enviar")) {
        ev.preventDefault();
        el.form.requestSubmit();
        return;
      }
      if (el.hasAttribute("data-enter-proximo")) {
        ev.preventDefault();
        var prox = proximoCampo(el);
        var original = el.hasAttribute("data-original") ? el.getAttribute("data-original") : el.defaultValue;
        var dinamico = el.closest("#pedido-itens, #pedido-descontos, #cabecalho-pedido");
        if (dinamico && el.tagName !== "SELECT" && el.value !== original) {
          // The change event fires the recalculation; the swap replaces the items' inputs, so
          // the next field is focused by id once it lands.
          focoPendente = prox ? prox.id : null;
          el.dispatchEvent(new Event("change", { bubbles: true }));
        } else {
          focar(prox);
        }
        return;
      }
    }

    if (emCampo(el)) { return; }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    if (ev.key === "?") { ev.preventDefault(); alternarAtalhos(); return; }
    if (/^[0-9]$/.test(ev.key)) {
      var abas = document.querySelectorAll("[data-aba]");
      var n = ev.key === "0" ? 10 : parseInt(ev.key, 10);  // 0 is the tenth tab (SAC)
      if (abas.length >= n) { ev.preventDefault(); abrirAba(abas[n - 1].getAttribute("data-aba")); }
    }
  });

  // --- htmx: focus, version mirror, add-item reset ------------------------------------------
  document.addEventListener("htmx:beforeRequest", function (ev) {
    var origem = ev.detail.elt;
    if (origem && origem.id === "form-item") { focoPendente = "busca-produto"; }
    else if (!focoPendente) {
      // Tab/click moved on while the change went out: keep the user where they are now.
      var agora = document.activeElement;
      if (agora && agora.id && agora.closest && agora.closest("#pedido-itens, #pedido-descontos")) { focoPendente = agora.id; }
    }
  });
  document.addEventListener("htmx:afterSettle", function (ev) {
    var versao = $("pedido-versao");
    if (versao) {
      document.querySelectorAll("[data-versao-espelho]").forEach(function (c) { c.value = versao.value; });
    }
    if (ev.detail.target && ev.detail.target.id === "pedido-itens") {
      var form = $("form-item");
      if (form && ev.detail.requestConfig && ev.detail.requestConfig.elt === form) {
        form.reset();
        $("add-produto").value = "";
        $("produto-escolhido").textContent = "";
      }
    }
  });
  // Focus moves as soon as the swap is done (htmx restores the focus by id inside the swap;
  // the partial answers replace rows out-of-band), not a settle later.
  document.addEventListener("htmx:afterSwap", function (ev) {
    if (focoPendente) {
      var alvo = $(focoPendente);
      if (!alvo || !ev.detail.target || ev.detail.target.id === "pedido-mensagens") { return; }
      focoPendente = null;
      focar(alvo);
    }
  });

  // --- unsaved changes ------------------------------------------------------------------------
  // Per field: a field typed into stays unsaved until ITS request or form goes (an item's
  // change saves that row, not the observations typed in another tab). A field a swap replaced
  // was redrawn from the server: it no longer counts.
  var sujos = new Set();
  function salvos(raiz) {
    sujos.forEach(function (campo) {
      if (campo === raiz || (raiz.contains && raiz.contains(campo))) { sujos.delete(campo); }
    });
  }
  document.addEventListener("input", function (ev) {
    var t = ev.target;
    if (t.closest && t.closest("#tela-pedido") && !t.hasAttribute("data-lookup") && t.id !== "busca-produto") { sujos.add(t); }
  });
  document.addEventListener("submit", function (ev) { salvos(ev.target); });
  document.addEventListener("htmx:beforeRequest", function (ev) { if (ev.detail.elt) { salvos(ev.detail.elt); } });
  window.addEventListener("beforeunload", function (ev) {
    var pendente = false;
    sujos.forEach(function (campo) { if (document.contains(campo)) { pendente = true; } });
    if (pendente) { ev.preventDefault(); ev.returnValue = ""; }
  });
})();
