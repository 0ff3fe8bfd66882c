// Signing in once per browser session. The token lives in sessionStorage (this tab), never in localStorage, a
// cookie or a URL that stays. A new tab of the same page asks the tabs already open for it over a
// BroadcastChannel (same origin only): while any tab of the session is open, a new one needs no second sign-in,
// and when the last one closes the token is gone from the browser. A sign-in link (…/form.html#token=…, as
// NPPN's emails carry) signs in once and the fragment is taken out of the address at once, so it is neither
// kept in the history nor sent anywhere (a fragment never reaches a server).
import { Session } from "./api.js";

const ASK_MS = 300;

export class SharedSession extends Session {
  constructor(key) {
    super(key);
    this.channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(`${key}.channel`) : null;
    this.channel?.addEventListener("message", (event) => {
      const message = event.data ?? {};
      if (message.type === "ask" && super.token) this.channel.postMessage({ type: "token", token: super.token });
      if (message.type === "signed-out") super.token = null;
    });
  }

  get token() { return super.token; }
  set token(value) {
    const had = super.token;
    super.token = value;
    // Signing out (or a token refused) ends the session in every tab, as signing in once starts it in all.
    if (!value && had) this.channel?.postMessage({ type: "signed-out" });
  }

  /** The token from a sign-in link in the address (#token=…), taken out of the address at once; else null. */
  takeFromLink() {
    const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
    if (!match) return null;
    const token = decodeURIComponent(match[1]).trim();
    history.replaceState(null, "", window.location.pathname + window.location.search);
    if (token) super.token = token;
    return token || null;
  }

  /** Signs this tab in from the link, or from another open tab of this browser session; resolves to the token or null. */
  async restore() {
    if (this.takeFromLink()) return super.token;
    if (super.token || !this.channel) return super.token;
    const answer = await new Promise((resolve) => {
      const timer = setTimeout(() => { this.channel.removeEventListener("message", onMessage); resolve(null); }, ASK_MS);
      const onMessage = (event) => {
        if (event.data?.type !== "token" || !event.data.token) return;
        clearTimeout(timer);
        this.channel.removeEventListener("message", onMessage);
        resolve(event.data.token);
      };
      this.channel.addEventListener("message", onMessage);
      this.channel.postMessage({ type: "ask" });
    });
    if (answer) super.token = answer;
    return super.token;
  }
}
