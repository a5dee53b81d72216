// Login and "who am I". Refresh tokens and SSO (issue: console RBAC) extend these shapes.
import { Type, type Static } from '@sinclair/typebox';
import { IdSchema } from './common.js';

export const LoginRequestSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 128 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false, $id: 'LoginRequest' },
);
export type LoginRequest = Static<typeof LoginRequestSchema>;

/** The signed-in identity as the console sees it. */
export const MeSchema = Type.Object(
  {
    id: IdSchema,
    username: Type.String(),
    groups: Type.Array(Type.String()),
  },
  { $id: 'Me' },
);
export type Me = Static<typeof MeSchema>;

export const LoginResponseSchema = Type.Object(
  {
    /** a short-lived JWT: send it as `Authorization: Bearer <accessToken>` */
    accessToken: Type.String(),
    tokenType: Type.Literal('Bearer'),
    /** seconds until accessToken expires */
    expiresIn: Type.Integer({ minimum: 1 }),
    /** present once refresh tokens exist (console RBAC issue) */
    refreshToken: Type.Optional(Type.String()),
    user: MeSchema,
  },
  { $id: 'LoginResponse' },
);
export type LoginResponse = Static<typeof LoginResponseSchema>;

/** POST /api/v1/auth/refresh: a refresh token is good for one use; the response carries its successor. */
export const RefreshRequestSchema = Type.Object(
  { refreshToken: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false, $id: 'RefreshRequest' },
);
export type RefreshRequest = Static<typeof RefreshRequestSchema>;

/** POST /api/v1/auth/logout: ends the sign-in the refresh token belongs to. */
export const LogoutRequestSchema = RefreshRequestSchema;
export type LogoutRequest = RefreshRequest;

/** POST /api/v1/auth/sso: exchanges a JWT issued by the host application for console tokens. */
export const SsoExchangeRequestSchema = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 16384 }) },
  { additionalProperties: false, $id: 'SsoExchangeRequest' },
);
export type SsoExchangeRequest = Static<typeof SsoExchangeRequestSchema>;
