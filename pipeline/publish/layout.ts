// What writing and reading a table's files needs to know of the table, as plain data: its name, its
// description and its columns' names and metadata (no schema, no functions), so that it can be sent
// to a worker thread that reads files back.
import type { Table } from "../../schemas/table.ts"

export type TableLayout = Pick<Table<any>, "name" | "description" | "columns">

export const tableLayout = ({ name, description, columns }: TableLayout): TableLayout => ({ name, description, columns })
