/**
 * The query GraphiQL opens with on the sandbox: from the organizations to a repository, then its
 * tags, one page at a time.
 */
export const exampleQuery = `# The embedded SWR sandbox is running, and the header editor below holds its demo token.
# Run this query: your organizations, the repositories whose name contains "nginx", and the
# first page of each one's tags. Copy a tags pageInfo.endCursor into "after" for the next page.
# Try also: repositories(first: 20) without nameContains (acme has 24: page them with after),
# orderBy: {field: TAG_COUNT, direction: DESC}, tags(last: 5), tags(nameContains: "alpine"),
# or one repository directly: repository(namespace: "library", name: "team/app").
query RepositoryTags {
  namespaces {
    name
    permission
    repositories(first: 5, nameContains: "nginx") {
      totalCount
      nodes {
        name
        description
        tagCount
        updatedAt
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
  }
}
`;
