/* CRM – keyboard shortcuts, input masks, unsaved-changes warning. No inline JS (CSP). */
(function () {
  "use strict";

  function emCampo(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  // "/" focuses the global search (never while typing in a field).
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "/" && !emCampo(document.activeElement) && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      var busca = document.getElementById("busca-global");
      if (busca) { ev.preventDefault(); busca.focus(); busca.select(); }
    }
    if (ev.key === "Escape") {
      var res = document.getElementById("busca-resultados");
      if (res && res.innerHTML.trim()) { res.innerHTML = ""; }
    }
  });

  // Arrow down from the search box walks into the results.
  document.addEventListener("keydown", function (ev) {
    var res = document.getElementById("busca-resultados");
    if (!res) { return; }
    var links = Array.prototype.slice.call(res.querySelectorAll("a"));
    if (!links.length) { return; }
    var i = links.indexOf(document.activeElement);
    if (ev.key === "ArrowDown" && (document.activeElement.id === "busca-global" || i >= 0)) {
      ev.preventDefault(); links[Math.min(i + 1, links.length - 1)].focus();
    } else if (ev.key === "ArrowUp" && i >= 0) {
      ev.preventDefault(); if (i === 0) { document.getElementById("busca-global").focus(); } else { links[i - 1].focus(); }
    }
  });

  // Masks: format as the user types; the server accepts values with or without mask anyway.
  var MASCARAS = {
    cpf: function (d) { return d.slice(0, 11).replace(/^(\d{3})(\d)/, "$1.$2").replace(/^(\d{3})\.(\d{3})(\d)/, "$1.$2.$3").replace(/\.(\d{3})(\d)/, ".$1-$2"); },
    cnpj: function (d) {
      d = d.slice(0, 14);
      return d.replace(/^(\w{2})(\w)/, "$1.$2").replace(/^(\w{2})\.(\w{3})(\w)/, "$1.$2.$3").replace(/\.(\w{3})(\w)/, ".$1/$2").replace(/(\w{4})(\d)/, "$1-$2");
    },
    cep: function (d) { return d.slice(0, 8).replace(/^(\d{5})(\d)/, "$1-$2"); },
    fone: function (d) {
      d = d.slice(0, 11);
      if (d.length > 10) { return d.replace(/^(\d{2})(\d{5})(\d{0,4}).*/, "($1) $2-$3"); }
      return d.replace(/^(\d{2})(\d{4})(\d{0,4}).*/, "($1) $2-$3").replace(/^(\d{2})(\d{0,4})$/, "($1) $2");
    },
    data: function (d) { return d.slice(0, 8).replace(/^(\d{2})(\d)/, "$1/$2").replace(/^(\d{2})\/(\d{2})(\d)/, "$1/$2/$3"); }
  };
  function aplicarMascara(el) {
    var tipo = el.getAttribute("data-mascara");
    var bruto = el.value;
    if (tipo === "documento") {
      var alnum = bruto.replace(/[^0-9A-Za-z]/g, "").toUpperCase();
      tipo = (/^\d*$/.test(alnum) && alnum.length <= 11) ? "cpf" : "cnpj";
      el.value = MASCARAS[tipo](alnum);
      return;
    }
    if (!MASCARAS[tipo]) { return; }
    var d = tipo === "cnpj" ? bruto.replace(/[^0-9A-Za-z]/g, "").toUpperCase() : bruto.replace(/\D/g, "");
    if (d.length === 0) { return; }
    el.value = MASCARAS[tipo](d);
  }
  document.addEventListener("input", function (ev) {
    var el = ev.target;
    if (el && el.hasAttribute && el.hasAttribute("data-mascara") && ev.inputType !== "deleteContentBackward") { aplicarMascara(el); }
  });
  document.addEventListener("focusout", function (ev) {
    var el = ev.target;
    if (el && el.hasAttribute && el.hasAttribute("data-mascara")) { aplicarMascara(el); }
  });

  // Unsaved changes: forms marked data-avisar-saida warn before leaving.
  var sujo = false;
  document.addEventListener("input", function (ev) {
    if (ev.target.form && ev.target.form.hasAttribute("data-avisar-saida")) { sujo = true; }
  });
  document.addEventListener("submit", function () { sujo = false; });
  window.addEventListener("beforeunload", function (ev) { if (sujo) { ev.preventDefault(); ev.returnValue = ""; } });

  // Drop-downs (top menu modules, "Cancelar pedido"): one open at a time; a click elsewhere or
  // Esc closes them (Esc gives the focus back to the drop-down's title).
  function fecharMenus(exceto) {
    document.querySelectorAll("details.menu-grupo[open], details.menu-acao[open]").forEach(function (d) {
      if (d !== exceto) { d.open = false; }
    });
  }
  document.addEventListener("click", function (ev) {
    fecharMenus(ev.target.closest ? ev.target.closest("details.menu-grupo, details.menu-acao") : null);
  });
  // An action drop-down that asks something (the cancellation reason) opens on its field.
  document.addEventListener("toggle", function (ev) {
    var d = ev.target;
    if (d.matches && d.matches("details.menu-acao") && d.open) {
      var campo = d.querySelector("textarea, input:not([type=hidden])");
      if (campo) { campo.focus(); }
    }
  }, true);
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") { return; }
    var aberto = ev.target.closest ? ev.target.closest("details.menu-grupo[open], details.menu-acao[open]") : null;
    if (aberto) { aberto.open = false; aberto.querySelector("summary").focus(); }
  });

  // Confirmations without inline JS: <button data-confirmar="Texto">.
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest ? ev.target.closest("[data-confirmar]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirmar"))) { ev.preventDefault(); ev.stopPropagation(); }
  }, true);
})();
