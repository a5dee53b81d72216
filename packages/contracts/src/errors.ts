import { Type, type Static } from '@sinclair/typebox';

/** Every error the console API returns has this shape (DESIGN: "Errors are JSON { error: { code, message, field? } }"). */
export const ApiErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'machine-readable code, e.g. VALIDATION_FAILED, NOT_FOUND' }),
      message: Type.String({ description: 'what happened and what to do about it' }),
      field: Type.Optional(Type.String({ description: 'the input field at fault, as a JSON path' })),
    }),
  },
  { $id: 'ApiError' },
);
export type ApiError = Static<typeof ApiErrorSchema>;
