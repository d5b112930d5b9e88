import express from 'express';

/**
 * Express's res.send copies every string body of 1,000 characters or more into a Buffer to learn its length;
 * Apollo's express integration sends each GraphQL response that way. A response that is plainly a string is
 * measured and written as it is instead (what express would send: the same status, headers and bytes).
 */
export function sendTextWithoutCopy(
  req: express.Request,
  res: express.Response,
  next: express.NextFunction,
) {
  const send = res.send.bind(res);
  res.send = (body?: unknown) => {
    if (
      typeof body !== 'string' ||
      req.method === 'HEAD' ||
      res.statusCode === 204 ||
      res.statusCode === 304 ||
      !res.getHeader('content-type')
    )
      return send(body);
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
    return res;
  };
  next();
}
