import { GraphQLDateTimeISO, GraphQLJSON, GraphQLLocalDate } from 'graphql-scalars';

/** A calendar date, `YYYY-MM-DD` (graphql-scalars' LocalDate: validated, kept as a string). */
export const LocalDate = GraphQLLocalDate;
/** An instant, ISO 8601 with time zone (graphql-scalars' DateTimeISO). */
export const DateTime = GraphQLDateTimeISO;
/** Any JSON value (graphql-scalars' JSON): the before and after values of an audited change. */
export const JSONValue = GraphQLJSON;
