/** The query GraphiQL opens with on the sandbox: a repository's tags, one page at a time. */
export const exampleQuery = `# The embedded SWR sandbox is running, and the header editor below holds its demo token.
# Run this query, then copy pageInfo.endCursor into "after" to read the next page.
# Try also: last: 5 (the end of the list), orderBy: {field: NAME, direction: ASC},
# nameContains: "alpine", or the repositories library/app (2500 tags) and library/team/app.
query RepositoryTags {
  repository(namespace: "library", name: "nginx") {
    tags(first: 10, after: null) {
      totalCount
      pageInfo {
        hasPreviousPage
        hasNextPage
        startCursor
        endCursor
      }
      edges {
        cursor
        node {
          name
          kind
          size
          updatedAt
          digest
          pullPath
        }
      }
    }
  }
}
`;
