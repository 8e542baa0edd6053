/*
 * The results page (/search/?q=, /en/search/?q=): the results of the query as an ordered list of links,
 * with facets (level, province, mechanism) that narrow them. It asks the same worker as the header's box
 * (overrides/assets/javascripts/workers/), with an object instead of a string, and reads the facets from
 * the language's search/facets.json. The words come from the page (data-* of #cg-search).
 */
(function () {
  "use strict"
  const QUERY = 2, RESULT = 3, STEP = 50
  const box = document.getElementById("cg-search")
  const input = document.getElementById("cg-search-query")
  if (!box || !input)
    return
  const config = JSON.parse(document.getElementById("__config").textContent)
  const root = new URL(`${config.base}/`, location.href)
  const folder = box.dataset.folder
  const words = box.dataset
  const facetNames = JSON.parse(words.facets)

  // partials/casegen-search.html took the query out of the address before Material could read it
  const query = (window.__casegenQuery !== undefined
    ? window.__casegenQuery : new URL(location.href).searchParams.get("q")) || ""
  if (query) {
    const url = new URL(location.href)
    url.searchParams.set("q", query)
    history.replaceState(history.state, "", url)
  }
  input.value = query

  const chosen = new Map()  // facet -> Set of labels
  let limit = STEP
  let facets = null
  let last = null
  let wasOpen = null  // the reader's choice to show or hide the facets, kept across renders

  const worker = new Worker(new URL(config.search, location.href))
  worker.addEventListener("message", event => {
    if (event.data.type === RESULT)
      render(event.data.data)
  })

  function element(tag, attrs, ...children) {
    const el = document.createElement(tag)
    for (const [key, value] of Object.entries(attrs || {}))
      el.setAttribute(key, value)
    for (const child of children)
      el.append(child)
    return el
  }

  /* The pages the chosen facet values allow: within a facet any value, across facets all. */
  function allowed() {
    if (!facets || ![...chosen.values()].some(set => set.size))
      return null
    let pages = null
    for (const [facet, labels] of chosen) {
      if (!labels.size)
        continue
      const these = new Set()
      for (const [label, docs] of facets[facet] || [])
        if (labels.has(label))
          docs.forEach(d => these.add(d))
      pages = pages === null ? these : new Set([...pages].filter(d => these.has(d)))
    }
    return pages === null ? null : [...pages]
  }

  function ask() {
    if (!query)
      return render({ items: [], matches: [], total: 0 })
    worker.postMessage({ type: QUERY, data: { query, limit, only: allowed() } })
  }

  function facetList(result) {
    const matched = new Set(result.matches)
    const nav = element("div", { class: "cg-search-facets" })
    for (const [facet, name] of Object.entries(facetNames)) {
      const values = (facets[facet] || [])
        .map(([label, docs]) => [label, docs.filter(d => matched.has(d)).length])
        .filter(([, count]) => count > 0)
      if (!values.length)
        continue
      const set = chosen.get(facet) || new Set()
      const values$ = element("div", { class: "cg-facet-values" })
      const fieldset = element("fieldset", { "data-facet": facet }, element("legend", {}, name), values$)
      for (const [label, count] of values) {
        const id = `cg-facet-${facet}-${values$.children.length}`
        const check = element("input", { type: "checkbox", id, value: label })
        check.checked = set.has(label)
        check.addEventListener("change", () => {
          const current = chosen.get(facet) || new Set()
          check.checked ? current.add(label) : current.delete(label)
          chosen.set(facet, current)
          limit = STEP
          ask()
        })
        values$.append(element("label", { for: id }, check, ` ${label}${(words.tally || " (#)").replace("#", count)}`))
      }
      nav.append(fieldset)
    }
    return nav
  }

  function render(result) {
    last = result
    const focused = box.contains(document.activeElement) ? document.activeElement.id : ""
    box.replaceChildren()
    const total = result.total || 0
    box.append(element("p", { class: "cg-search-count", role: "status" },
      total ? words.count.replace("#", total) : words.none))
    if (facets && result.matches && result.matches.length) {
      // closed until the reader opens it or a value is ticked: the results come first (open, the mechanisms'
      // two dozen values pushed the first result half way down a desktop's screen)
      const filter = element("details", { class: "cg-search-filter" }, element("summary", {}, words.filter),
        facetList(result))
      filter.open = wasOpen !== null ? wasOpen : [...chosen.values()].some(set => set.size)
      filter.addEventListener("toggle", () => { wasOpen = filter.open })
      box.append(filter)
    }
    const list = element("ol", { class: "cg-search-results" })
    for (const [item] of result.items) {
      const link = element("a", { href: new URL(item.location, root).href })
      link.innerHTML = item.title  // escaped by the worker, with the query's words in <mark>
      const summary = element("p", {})
      summary.innerHTML = item.text
      list.append(element("li", {}, link, summary))
    }
    box.append(list)
    if (result.items.length < total) {
      const more = element("button", { type: "button", class: "md-button" }, words.more)
      more.addEventListener("click", () => { limit += STEP; ask() })
      box.append(more)
    }
    if (focused && document.getElementById(focused))  // a facet ticked with the keyboard keeps the focus
      document.getElementById(focused).focus()
  }

  fetch(new URL(`${folder}search/facets.json`, root))
    .then(response => response.ok ? response.json() : {})
    .catch(() => ({}))
    .then(data => {
      facets = data
      if (last)
        render(last)
    })
  ask()
})()
