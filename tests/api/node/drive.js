// node-zendesk, unchanged, against a live Sportello (tests/api/test_node_zendesk.py runs
// this with node): streams an upload (node-zendesk always sends a file as a chunked body)
// and runs both forms of the bulk update (or, with AUDIT_TICKET, tags that ticket and
// reads its audits; or, with INCREMENTAL=1, reads the incremental exports: tickets by
// time and by cursor, organizations, ticket events), then prints what it got back as one
// JSON line.
//
//   SPORTELLO_URL=http://127.0.0.1:PORT SPORTELLO_HOST=acme.localhost \
//   SPORTELLO_EMAIL=... SPORTELLO_TOKEN=... UPLOAD_FILE=/path node drive.js
"use strict";

const zendesk = require("node-zendesk");

const env = process.env;
const client = zendesk.createClient({
  username: env.SPORTELLO_EMAIL,
  token: env.SPORTELLO_TOKEN,
  endpointUri: `${env.SPORTELLO_URL}/api/v2`,
  // *.localhost names the account; Node's resolver does not know them, so the request
  // goes to 127.0.0.1 and the Host header says which account.
  customHeaders: { Host: env.SPORTELLO_HOST },
});

async function attempt(call) {
  try {
    return { ok: true, result: await call() };
  } catch (error) {
    return { ok: false, status: error.statusCode ?? null, message: String(error.message || error) };
  }
}

async function settled(jobId) {
  for (let i = 0; i < 50; i++) {
    const { result } = await client.jobstatuses.show(jobId);
    if (["completed", "failed"].includes(result.job_status.status)) return result.job_status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${jobId} did not finish`);
}

async function main() {
  const out = {};
  if (env.INCREMENTAL === "1") {
    // From the epoch's first second: node-zendesk leaves a start_time of 0 out of the URL.
    out.tickets = await attempt(() => client.tickets.incremental(1));
    const cursor = [];
    // exportCursor(start) without a cursor sends "cursor=undefined": the first page is
    // asked for through the same client's get, as its own exportCursor builds it.
    let page = await client.ticketexport.get(["incremental", "tickets", "cursor", { start_time: 1 }]);
    cursor.push(page.result);
    while (!page.result.end_of_stream) {
      page = await client.ticketexport.exportCursor(1, page.result.after_cursor);
      cursor.push(page.result);
    }
    out.cursor_pages = cursor;
    out.organizations = await attempt(() => client.organizations.incremental(1));
    out.ticket_events = await attempt(() => client.ticketevents.incremental(1));
    process.stdout.write(JSON.stringify(out) + "\n");
    return;
  }
  if (env.AUDIT_TICKET) {
    // Tags through the ticket's tags endpoint, then its audits (every page) read back.
    const ticket = Number(env.AUDIT_TICKET);
    out.tags = await attempt(() => client.tickets.addTags(ticket, { tags: ["node"] }));
    out.audits = await attempt(() => client.tickets.exportAudit(ticket));
    process.stdout.write(JSON.stringify(out) + "\n");
    return;
  }
  out.upload = await attempt(() =>
    client.attachments.upload(env.UPLOAD_FILE, { filename: "streamed.txt" }),
  );
  if (env.BULK === "1") {
    const ids = await client.tickets.updateMany([1, 2], { ticket: { priority: "high" } });
    out.ids_form = await settled(ids.result.job_status.id);
    const list = await client.tickets.put(["tickets", "update_many"], {
      tickets: [
        { id: 1, status: "open" },
        { id: 2, priority: "low" },
      ],
    });
    out.list_form = await settled(list.result.job_status.id);
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
