/* 后勤服务 · Campus Services: the service worker, and its registration.
 *
 * base.html loads this file as a plain script: in a page it registers itself (served from
 * /sw.js, scope /) where the browser has service workers, and shows a notice while the network
 * is down. Browsers without service workers (older WeCom/WeChat in-app browsers) just run the
 * notice part. Plain ES5, no API beyond fetch, Cache Storage and the online/offline events.
 *
 * In the worker: pages are fetched from the network first and a copy of each one that opened
 * is kept; when the network is down, the kept copy is shown with a notice that it is offline
 * (a page never opened before: /offline). Static files: the kept copy first. Signing out drops
 * every kept page. Nothing else (forms, htmx fragments) is kept or answered from the cache.
 */
(function () {
  "use strict";
  var VERSION = "houqin-1";
  var PAGES = VERSION + "-pages";
  var ASSETS = VERSION + "-assets";
  var PRECACHE = ["/offline", "/static/console.css", "/static/icons/icon-192.png"];
  var NOT_KEPT = ["/login", "/logout", "/auth", "/go/", "/lang/", "/offline", "/sw.js"];
  var NOTE_ID = "offline-note";
  var NOTE = {
    zh: "您已离线：这是本页上次打开时的内容，网络恢复后再操作。",
    en: "You are offline: this is the page as it was when last opened. Act on it when the network is back."
  };

  function noteText(lang) {
    return /^en/i.test(lang || "") ? NOTE.en : NOTE.zh;
  }

  if (typeof window !== "undefined" && typeof document !== "undefined") {
    var show = function (offline) {
      var main = document.getElementById("main");
      var note = document.getElementById(NOTE_ID);
      if (offline && !note && main) {
        note = document.createElement("p");
        note.id = NOTE_ID;
        note.className = "alert";
        note.setAttribute("role", "status");
        note.textContent = noteText(document.documentElement.lang);
        main.insertBefore(note, main.firstChild);
      } else if (!offline && note && note.getAttribute("data-kept") !== "1") {
        note.parentNode.removeChild(note);
      }
    };
    window.addEventListener("offline", function () { show(true); });
    window.addEventListener("online", function () { show(false); });
    if ("serviceWorker" in navigator && window.isSecureContext !== false) {
      window.addEventListener("load", function () {
        navigator.serviceWorker.register("/sw.js", { scope: "/" })["catch"](function () {});
      });
    }
    return;
  }

  function kept(url) {
    for (var i = 0; i < NOT_KEPT.length; i++) {
      if (url.pathname.indexOf(NOT_KEPT[i]) === 0) return false;
    }
    return true;
  }

  function withNote(response) {
    return response.text().then(function (html) {
      var lang = (/<html[^>]*\blang="([^"]*)"/.exec(html) || [])[1];
      var note = '<p id="' + NOTE_ID + '" class="alert" role="status" data-kept="1">' +
        noteText(lang) + "</p>";
      var headers = new Headers(response.headers);
      headers["delete"]("content-length");
      headers.set("X-Houqin-Offline", "1");
      return new Response(html.replace('<main id="main">', '<main id="main">' + note), {
        status: 200, statusText: "OK", headers: headers
      });
    });
  }

  function offlinePage(request) {
    return caches.open(PAGES).then(function (cache) {
      return cache.match(request);
    }).then(function (hit) {
      if (hit) return withNote(hit);
      // the offline page says so in its own words: no "as it was when last opened" notice
      return caches.match("/offline").then(function (page) {
        return page || new Response(NOTE.zh + "\n" + NOTE.en, {
          status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" }
        });
      });
    });
  }

  function page(event) {
    var request = event.request;
    return fetch(request).then(function (response) {
      var type = response.headers.get("content-type") || "";
      if (response.ok && !response.redirected && response.type === "basic" &&
          type.indexOf("text/html") === 0 && kept(new URL(request.url))) {
        var copy = response.clone();
        event.waitUntil(caches.open(PAGES).then(function (cache) {
          return cache.put(request, copy);
        }));
      }
      return response;
    })["catch"](function () {
      return offlinePage(request);
    });
  }

  function asset(event) {
    return caches.open(ASSETS).then(function (cache) {
      return cache.match(event.request).then(function (hit) {
        var fresh = fetch(event.request).then(function (response) {
          if (response.ok) cache.put(event.request, response.clone());
          return response;
        });
        if (hit) {
          event.waitUntil(fresh["catch"](function () {}));
          return hit;
        }
        return fresh;
      });
    });
  }

  self.addEventListener("install", function (event) {
    event.waitUntil(caches.open(ASSETS).then(function (cache) {
      return cache.addAll(PRECACHE);
    }).then(function () {
      return self.skipWaiting();
    }));
  });

  self.addEventListener("activate", function (event) {
    event.waitUntil(caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf(VERSION + "-") !== 0;
      }).map(function (key) {
        return caches["delete"](key);
      }));
    }).then(function () {
      return self.clients.claim();
    }).then(keepOpenPages));
  });

  // The pages open when the worker first starts were loaded without it: keep them now, so a
  // ticket page opened once still shows when the network drops.
  function keepOpenPages() {
    return self.clients.matchAll({ type: "window" }).then(function (windows) {
      return caches.open(PAGES).then(function (cache) {
        return Promise.all(windows.map(function (client) {
          var url = new URL(client.url);
          if (url.origin !== self.location.origin || !kept(url)) return null;
          return fetch(url.href, { credentials: "same-origin" }).then(function (response) {
            var type = response.headers.get("content-type") || "";
            if (response.ok && !response.redirected && type.indexOf("text/html") === 0) {
              return cache.put(url.href, response);
            }
            return null;
          })["catch"](function () { return null; });
        }));
      });
    });
  }

  self.addEventListener("fetch", function (event) {
    var request = event.request;
    var url = new URL(request.url);
    if (url.origin !== self.location.origin) return;
    if (request.method === "POST" && url.pathname === "/logout") {
      event.waitUntil(caches["delete"](PAGES));  // signing out forgets every kept page
      return;
    }
    if (request.method !== "GET") return;
    if (request.mode === "navigate") {
      event.respondWith(page(event));
    } else if (url.pathname.indexOf("/static/") === 0) {
      event.respondWith(asset(event));
    }
  });
})();
