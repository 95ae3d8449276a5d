// Single fetch (remix.config.js): loader types unwrap data() and keep Dates/Maps as returned.
// A module file (it imports), so this augments @remix-run/node instead of replacing it.
import "@remix-run/node";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}
