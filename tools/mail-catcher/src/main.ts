// `npm run mail:catcher` (and `npm run dev`, which starts it for you): the local mail catcher.
import { startMailCatcher } from "./catcher";

const catcher = await startMailCatcher({
  smtpPort: Number(process.env.MAIL_CATCHER_SMTP_PORT ?? 1025),
  httpPort: Number(process.env.MAIL_CATCHER_HTTP_PORT ?? 1080),
});
console.log(`[mail-catcher] SMTP ${catcher.smtpUrl} · inbox ${catcher.webUrl}`);
const stop = () => void catcher.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
