/*
 * App Bridge stand-in for the local sandbox (docs/decisions/0005). Shopify's real script is
 * loaded from its CDN and only works inside Shopify Admin; this one gives a plain browser what
 * the app relies on:
 *   - window.shopify.idToken(): a fresh session token from the sandbox's issuer;
 *   - fetch: same-origin requests carry "Authorization: Bearer <session token>";
 *   - the bounce page (/auth/session-token?shopify-reload=...): reload with a new id_token;
 *   - <ui-nav-menu> and <ui-title-bar>: rendered as a simple admin frame around the app;
 *   - shopify.toast, shopify.loading, shopify.saveBar and <ui-save-bar>: visible, accessible equivalents.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var apiKey = script && script.getAttribute("data-api-key");
  var issuer = script ? new URL(script.src).origin : "";
  var params = new URLSearchParams(location.search);
  var store = window.sessionStorage;
  if (params.get("shop")) store.setItem("sandbox.shop", params.get("shop"));
  if (params.get("sandbox_user")) store.setItem("sandbox.user", params.get("sandbox_user"));
  var shop = store.getItem("sandbox.shop");
  var user = store.getItem("sandbox.user") || "";
  var originalFetch = window.fetch.bind(window);
  var cached = null;

  function decodeExp(token) {
    try {
      return JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).exp * 1000;
    } catch {
      return 0;
    }
  }

  function idToken() {
    if (cached && decodeExp(cached) - Date.now() > 10000) return Promise.resolve(cached);
    var url = issuer + "/session-token?shop=" + encodeURIComponent(shop || "") + (user ? "&user=" + encodeURIComponent(user) : "");
    return originalFetch(url).then(function (response) {
      if (!response.ok) throw new Error("sandbox session token request failed: " + response.status);
      return response.json().then(function (body) {
        cached = body.token;
        return cached;
      });
    });
  }

  window.fetch = function (input, init) {
    var request = new Request(input, init);
    if (new URL(request.url, location.href).origin !== location.origin || request.headers.has("Authorization")) {
      return originalFetch(request);
    }
    return idToken().then(function (token) {
      var headers = new Headers(request.headers);
      headers.set("Authorization", "Bearer " + token);
      return originalFetch(new Request(request, { headers: headers }));
    });
  };

  // The bounce page: the server asks for a fresh token by sending the browser here.
  var reload = params.get("shopify-reload");
  if (reload) {
    idToken().then(function (token) {
      var target = new URL(reload, location.href);
      if (target.origin !== location.origin) return;
      target.searchParams.set("id_token", token);
      location.replace(target.toString());
    });
    return;
  }

  function frame() {
    var bar = document.getElementById("sandbox-admin-bar");
    if (bar) return bar;
    bar = document.createElement("header");
    bar.id = "sandbox-admin-bar";
    bar.setAttribute("role", "banner");
    bar.style.cssText =
      "position:fixed;top:0;left:0;right:0;height:40px;box-sizing:border-box;z-index:500;display:flex;gap:16px;align-items:center;padding:8px 16px;" +
      "background:#1a1a1a;color:#fff;font:14px/1.4 system-ui,sans-serif";
    bar.innerHTML =
      '<strong aria-label="Shopify Admin (local sandbox)">Sandbox admin</strong>' +
      '<nav aria-label="App navigation" id="sandbox-nav" style="display:flex;gap:12px"></nav>' +
      '<span id="sandbox-title" style="margin-left:auto;opacity:.8"></span>' +
      '<span style="opacity:.6">' + (shop || "") + "</span>";
    document.body.appendChild(bar);
    document.body.style.paddingTop = "40px";
    return bar;
  }

  function renderNav(menu) {
    frame();
    var nav = document.getElementById("sandbox-nav");
    nav.innerHTML = "";
    Array.prototype.forEach.call(menu.querySelectorAll("a"), function (link) {
      var item = document.createElement("a");
      item.textContent = link.textContent;
      item.href = link.getAttribute("href");
      item.style.color = "#fff";
      item.addEventListener("click", function (event) {
        event.preventDefault();
        // Like App Bridge: announce the navigation on the original anchor; the app routes it.
        link.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
      });
      nav.appendChild(item);
    });
  }

  function defineElement(name, onChange) {
    if (customElements.get(name)) return;
    customElements.define(
      name,
      class extends HTMLElement {
        connectedCallback() {
          this.style.display = "none";
          onChange(this);
          this._observer = new MutationObserver(() => onChange(this));
          this._observer.observe(this, { subtree: true, childList: true, attributes: true, characterData: true });
        }
        disconnectedCallback() {
          if (this._observer) this._observer.disconnect();
        }
      },
    );
  }

  function start() {
    defineElement("ui-nav-menu", renderNav);
    defineElement("ui-title-bar", function (element) {
      frame();
      var title = element.getAttribute("title") || "";
      document.getElementById("sandbox-title").textContent = title;
      if (title) document.title = title;
    });
    defineSaveBar();
  }

  /**
   * <ui-save-bar>: Shopify shows it in the admin's top bar while a page has unsaved changes,
   * with the page's own <button> children as its actions. Here it is a visible bar (a region
   * named "Unsaved changes") whose buttons click the page's buttons.
   */
  function defineSaveBar() {
    if (customElements.get("ui-save-bar")) return;
    customElements.define(
      "ui-save-bar",
      class extends HTMLElement {
        connectedCallback() {
          this.style.display = "none";
        }
        disconnectedCallback() {
          this.hide();
        }
        show() {
          var bar = document.getElementById("sandbox-save-bar-" + this.id);
          if (!bar) {
            bar = document.createElement("div");
            bar.id = "sandbox-save-bar-" + this.id;
            bar.setAttribute("role", "region");
            bar.setAttribute("aria-label", "Unsaved changes");
            bar.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:700;display:flex;gap:8px;align-items:center;justify-content:flex-end;padding:8px 16px;background:#1a1a1a;color:#fff;font:14px system-ui,sans-serif";
            document.body.appendChild(bar);
          }
          bar.textContent = "";
          var label = document.createElement("span");
          label.textContent = "Unsaved changes";
          label.style.marginRight = "auto";
          bar.appendChild(label);
          Array.prototype.forEach.call(this.querySelectorAll("button"), function (source) {
            var button = document.createElement("button");
            button.type = "button";
            button.textContent = source.textContent || (source.getAttribute("variant") === "primary" ? "Save" : "Discard");
            button.disabled = source.disabled || source.hasAttribute("loading");
            button.addEventListener("click", function () {
              source.click();
            });
            bar.appendChild(button);
          });
          this._shown = true;
          this.dispatchEvent(new CustomEvent("show"));
          return Promise.resolve();
        }
        hide() {
          var bar = document.getElementById("sandbox-save-bar-" + this.id);
          if (bar) bar.remove();
          if (this._shown) this.dispatchEvent(new CustomEvent("hide"));
          this._shown = false;
          return Promise.resolve();
        }
        toggle() {
          return this._shown ? this.hide() : this.show();
        }
        get showing() {
          return Boolean(this._shown);
        }
      },
    );
  }

  function toast(message, options) {
    var region = document.getElementById("sandbox-toasts");
    if (!region) {
      region = document.createElement("div");
      region.id = "sandbox-toasts";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      region.style.cssText = "position:fixed;bottom:24px;left:50%;transform:translateX(-50%);z-index:600";
      document.body.appendChild(region);
    }
    var item = document.createElement("div");
    item.className = "sandbox-toast";
    item.textContent = message;
    var error = options && options.isError;
    item.style.cssText =
      "margin-top:8px;padding:10px 16px;border-radius:8px;font:14px system-ui,sans-serif;color:#fff;background:" +
      (error ? "#8e1f0b" : "#1a1a1a");
    region.appendChild(item);
    setTimeout(function () {
      item.remove();
    }, (options && options.duration) || 5000);
    return String(Date.now());
  }

  window.shopify = {
    config: { apiKey: apiKey, shop: shop, host: params.get("host"), locale: params.get("locale") || "en" },
    environment: { embedded: true, mobile: false, pos: false },
    idToken: idToken,
    toast: { show: toast, hide: function () {} },
    loading: function () {},
    saveBar: {
      show: function (id) { var el = document.getElementById(id); return el && el.show ? el.show() : Promise.resolve(); },
      hide: function (id) { var el = document.getElementById(id); return el && el.hide ? el.hide() : Promise.resolve(); },
      toggle: function () { return Promise.resolve(); },
      leaveConfirmation: function () { return Promise.resolve(); },
    },
    modal: { show: function () { return Promise.resolve(); }, hide: function () { return Promise.resolve(); } },
    user: function () { return Promise.resolve({ id: user }); },
    origin: issuer,
  };

  // <ui-save-bar> adds no nodes until shown, and the app calls its hide() as soon as it mounts:
  // defined now, as Shopify's synchronous script does, so a page opened directly (a reload)
  // finds an upgraded element instead of failing with "hide is not a function".
  defineSaveBar();

  // Touch the document only once React has hydrated it: nodes added earlier would make the
  // server HTML and the client tree disagree.
  function afterHydration() {
    (window.requestIdleCallback || function (fn) { return setTimeout(fn, 300); })(start, { timeout: 1000 });
  }
  if (document.readyState === "complete") afterHydration();
  else window.addEventListener("load", afterHydration);
})();
