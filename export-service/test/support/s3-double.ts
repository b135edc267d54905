/**
 * An S3 double: a small HTTP server on 127.0.0.1 answering the S3 REST API calls the export service makes,
 * path-style (`/<bucket>/<key>`), written from Amazon's S3 API reference (each rule names its page under
 * https://docs.aws.amazon.com/AmazonS3/latest/API/). No S3 server runs here; `src/files/s3-export-files.test.ts`
 * drives `@aws-sdk/client-s3` against it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface StoredObject {
  readonly body: Buffer;
  readonly etag: string;
  readonly lastModified: Date;
}

interface Upload {
  readonly key: string;
  readonly parts: Map<number, { body: Buffer; etag: string }>;
}

/** One request the double answered, for tests to look at. */
export interface S3Call {
  readonly operation: string;
  readonly key: string;
}

// API_CreateMultipartUpload / API_CompleteMultipartUpload: "Each part must be at least 5 MB in size, except the
// last part."
const MIN_PART_BYTES = 5 * 1024 * 1024;

const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const etagOf = (body: Buffer): string => `"${createHash('md5').update(body).digest('hex')}"`;

/** The S3 double; `S3Double.start()` listens, `stop()` closes. */
export class S3Double {
  readonly objects = new Map<string, StoredObject>();
  readonly uploads = new Map<string, Upload>();
  readonly calls: S3Call[] = [];
  /** Answers the next `n` UploadPart calls with 500 InternalError (S3's "please retry"). */
  failUploadParts = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly bucket: string,
    readonly accessKeyId: string
  ) {}

  /** Starts the double for one bucket, accepting requests signed with `accessKeyId`. */
  static async start(bucket = 'exports', accessKeyId = 'AKIDAUDITLENSTEST'): Promise<S3Double> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const double = new S3Double(server, `http://127.0.0.1:${port}`, bucket, accessKeyId);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void double.handle(req, res).catch((error: unknown) => {
        double.error(res, 500, 'InternalError', String(error), req.url ?? '');
      });
    });
    return double;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The stored object's bytes, or undefined. */
  object(key: string): Buffer | undefined {
    return this.objects.get(key)?.body;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://s3.double');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const q = url.searchParams;
    const body = await readBody(req);
    // sig-v4-authenticating-requests.html: `Authorization: AWS4-HMAC-SHA256 Credential=<key id>/<date>/<region>/s3/
    // aws4_request, SignedHeaders=..., Signature=...`; an unknown key id is 403 InvalidAccessKeyId
    // (ErrorResponses.html). The signature itself is not recomputed here.
    const credential = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
    if (!req.headers.authorization?.startsWith('AWS4-HMAC-SHA256 ')) {
      return this.error(res, 403, 'AccessDenied', 'Access Denied', url.pathname);
    }
    if (credential !== this.accessKeyId) {
      return this.error(
        res,
        403,
        'InvalidAccessKeyId',
        'The AWS Access Key Id you provided does not exist in our records.',
        url.pathname
      );
    }
    if (bucket !== this.bucket) {
      return this.error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist', `/${bucket}`);
    }
    const method = req.method ?? 'GET';
    if (method === 'GET' && !key && q.get('list-type') === '2') return this.listObjectsV2(res, q);
    if (!key) return this.error(res, 400, 'InvalidRequest', 'operation not in this double', url.pathname);
    if (method === 'PUT' && q.has('uploadId')) return this.uploadPart(res, key, q, body);
    if (method === 'PUT') return this.putObject(res, key, body);
    if (method === 'POST' && q.has('uploads')) return this.createMultipartUpload(res, key);
    if (method === 'POST' && q.has('uploadId')) return this.completeMultipartUpload(res, key, q, body);
    if (method === 'DELETE' && q.has('uploadId')) return this.abortMultipartUpload(res, key, q);
    if (method === 'DELETE') return this.deleteObject(res, key);
    if (method === 'GET') return this.getObject(res, key);
    return this.error(
      res,
      405,
      'MethodNotAllowed',
      'The specified method is not allowed against this resource.',
      key
    );
  }

  // API_PutObject.html: stores the body under the key, replacing any object; 200 with the ETag header (the MD5 of
  // the body, quoted, for a single-part upload).
  private putObject(res: ServerResponse, key: string, body: Buffer): void {
    this.calls.push({ operation: 'PutObject', key });
    const etag = etagOf(body);
    this.objects.set(key, { body, etag, lastModified: new Date() });
    res.writeHead(200, { ETag: etag }).end();
  }

  // API_CreateMultipartUpload.html: 200 with InitiateMultipartUploadResult (Bucket, Key, UploadId).
  private createMultipartUpload(res: ServerResponse, key: string): void {
    this.calls.push({ operation: 'CreateMultipartUpload', key });
    const uploadId = randomUUID();
    this.uploads.set(uploadId, { key, parts: new Map() });
    this.xml(
      res,
      200,
      `<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${this.bucket}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`
    );
  }

  // API_UploadPart.html: part numbers 1 to 10,000; a part uploaded again with the same number replaces it; 200
  // with the part's ETag. An unknown upload id is 404 NoSuchUpload.
  private uploadPart(res: ServerResponse, key: string, q: URLSearchParams, body: Buffer): void {
    this.calls.push({ operation: 'UploadPart', key });
    const upload = this.uploads.get(q.get('uploadId') ?? '');
    if (!upload || upload.key !== key) return this.noSuchUpload(res, key);
    const n = Number(q.get('partNumber'));
    if (!Number.isInteger(n) || n < 1 || n > 10_000)
      return this.error(
        res,
        400,
        'InvalidArgument',
        'Part number must be an integer between 1 and 10000, inclusive',
        key
      );
    if (this.failUploadParts > 0) {
      this.failUploadParts--;
      return this.error(
        res,
        500,
        'InternalError',
        'We encountered an internal error. Please try again.',
        key
      );
    }
    const etag = etagOf(body);
    upload.parts.set(n, { body, etag });
    res.writeHead(200, { ETag: etag }).end();
  }

  // API_CompleteMultipartUpload.html: the body lists the parts (PartNumber, ETag) in ascending order; each must
  // have been uploaded with that ETag (else 400 InvalidPart), in order (InvalidPartOrder), every part but the
  // last at least 5 MB (EntityTooSmall). The object then appears, whole, and the upload is gone.
  private completeMultipartUpload(res: ServerResponse, key: string, q: URLSearchParams, body: Buffer): void {
    this.calls.push({ operation: 'CompleteMultipartUpload', key });
    const uploadId = q.get('uploadId') ?? '';
    const upload = this.uploads.get(uploadId);
    if (!upload || upload.key !== key) return this.noSuchUpload(res, key);
    const listed = [...body.toString('utf8').matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => ({
      n: Number(/<PartNumber>(\d+)<\/PartNumber>/.exec(m[1]!)?.[1]),
      etag: /<ETag>([^<]*)<\/ETag>/.exec(m[1]!)?.[1]?.replace(/&quot;/g, '"'),
    }));
    if (listed.length === 0)
      return this.error(res, 400, 'MalformedXML', 'The XML you provided was not well-formed', key);
    const chunks: Buffer[] = [];
    for (const [i, part] of listed.entries()) {
      if (i > 0 && part.n <= listed[i - 1]!.n)
        return this.error(res, 400, 'InvalidPartOrder', 'The list of parts was not in ascending order.', key);
      const stored = upload.parts.get(part.n);
      if (!stored || stored.etag !== part.etag)
        return this.error(
          res,
          400,
          'InvalidPart',
          'One or more of the specified parts could not be found.',
          key
        );
      if (i < listed.length - 1 && stored.body.length < MIN_PART_BYTES)
        return this.error(
          res,
          400,
          'EntityTooSmall',
          'Your proposed upload is smaller than the minimum allowed object size.',
          key
        );
      chunks.push(stored.body);
    }
    // The ETag of a multipart object is the MD5 of the parts' MD5s, a dash and the number of parts.
    const md5s = Buffer.concat(listed.map((p) => Buffer.from(p.etag!.replace(/"/g, ''), 'hex')));
    const etag = `"${createHash('md5').update(md5s).digest('hex')}-${listed.length}"`;
    this.objects.set(key, { body: Buffer.concat(chunks), etag, lastModified: new Date() });
    this.uploads.delete(uploadId);
    this.xml(
      res,
      200,
      `<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Location>${this.url}/${this.bucket}/${xmlEscape(key)}</Location><Bucket>${this.bucket}</Bucket><Key>${xmlEscape(key)}</Key><ETag>${xmlEscape(etag)}</ETag></CompleteMultipartUploadResult>`
    );
  }

  // API_AbortMultipartUpload.html: 204; the parts are deleted. An unknown upload id is 404 NoSuchUpload.
  private abortMultipartUpload(res: ServerResponse, key: string, q: URLSearchParams): void {
    this.calls.push({ operation: 'AbortMultipartUpload', key });
    const uploadId = q.get('uploadId') ?? '';
    if (!this.uploads.has(uploadId)) return this.noSuchUpload(res, key);
    this.uploads.delete(uploadId);
    res.writeHead(204).end();
  }

  // API_GetObject.html: 200 with the body, Content-Length, ETag and Last-Modified; a missing key is 404
  // NoSuchKey.
  private getObject(res: ServerResponse, key: string): void {
    this.calls.push({ operation: 'GetObject', key });
    const object = this.objects.get(key);
    if (!object) return this.error(res, 404, 'NoSuchKey', 'The specified key does not exist.', key);
    res
      .writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(object.body.length),
        ETag: object.etag,
        'Last-Modified': object.lastModified.toUTCString(),
      })
      .end(object.body);
  }

  // API_DeleteObject.html: 204 No Content, whether or not the key existed (in a bucket without versioning).
  private deleteObject(res: ServerResponse, key: string): void {
    this.calls.push({ operation: 'DeleteObject', key });
    this.objects.delete(key);
    res.writeHead(204).end();
  }

  // API_ListObjectsV2.html: keys in UTF-8 binary order that start with `prefix`, at most `max-keys` (default 1000)
  // per page; `IsTruncated` with a `NextContinuationToken` while more follow, which the next request passes as
  // `continuation-token`. Contents: Key, LastModified, ETag, Size, StorageClass; KeyCount is the page's count.
  private listObjectsV2(res: ServerResponse, q: URLSearchParams): void {
    this.calls.push({ operation: 'ListObjectsV2', key: q.get('prefix') ?? '' });
    const prefix = q.get('prefix') ?? '';
    const max = Math.min(1000, Number(q.get('max-keys') ?? 1000));
    const after = q.has('continuation-token')
      ? Buffer.from(q.get('continuation-token')!, 'base64url').toString('utf8')
      : '';
    const keys = [...this.objects.keys()]
      .filter((k) => k.startsWith(prefix) && k > after)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const page = keys.slice(0, max);
    const truncated = keys.length > page.length;
    const contents = page
      .map((k) => {
        const o = this.objects.get(k)!;
        return `<Contents><Key>${xmlEscape(k)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${xmlEscape(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
      })
      .join('');
    const next = truncated
      ? `<NextContinuationToken>${Buffer.from(page.at(-1)!).toString('base64url')}</NextContinuationToken>`
      : '';
    this.xml(
      res,
      200,
      `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${this.bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${next}</ListBucketResult>`
    );
  }

  private noSuchUpload(res: ServerResponse, key: string): void {
    this.error(
      res,
      404,
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      key
    );
  }

  // ErrorResponses.html: `<Error><Code/><Message/><Resource/><RequestId/></Error>` with the HTTP status of the code.
  private error(res: ServerResponse, status: number, code: string, message: string, resource: string): void {
    this.xml(
      res,
      status,
      `<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message><Resource>${xmlEscape(resource)}</Resource><RequestId>${randomUUID()}</RequestId></Error>`
    );
  }

  private xml(res: ServerResponse, status: number, body: string): void {
    res
      .writeHead(status, { 'Content-Type': 'application/xml', 'x-amz-request-id': randomUUID() })
      .end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
