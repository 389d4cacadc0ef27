import net from "node:net";

/** @param {number | string} port @returns {Promise<boolean>} whether nothing listens on 127.0.0.1:port */
export function isPortFree(port) {
  return new Promise((resolve) => {
    const srv = net
      .createServer()
      .once("error", () => resolve(false))
      .once("listening", () => srv.close(() => resolve(true)));
    srv.listen(Number(port), "127.0.0.1");
  });
}

/** A free TCP port on loopback, chosen by the OS. @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
